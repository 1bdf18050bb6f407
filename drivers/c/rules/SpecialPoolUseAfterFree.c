/*
 * SpecialPoolUseAfterFree: DriverEntry opens an optional session with the version it was built for.
 * When the version does not match, the error path frees the session, and the trace at the common
 * exit then reads the freed session's state.
 *
 * Driver Verifier (special pool): 0xD5, Parameter 1 = the address read (the session + 4, its State),
 * 2 = 0 (a read), 3 = the address of the reading instruction, 4 = 0. Special pool keeps a freed
 * block's page out of use with no access, so the first touch after the free faults.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define SESSION_VERSION 2
#define SESSION_OPEN 1

typedef struct _SESSION {
    ULONG Version;
    ULONG State;
    ULONG Requests;
    ULONG Reserved;
} SESSION, *PSESSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PSESSION Session;

/* Not inlined: the verifier blames OpenSession by name (SpecialPoolUseAfterFree!OpenSession). */
static DECLSPEC_NOINLINE NTSTATUS OpenSession(_In_ ULONG Version)
{
    PSESSION session;
    NTSTATUS status;

    session = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(SESSION), TAG);
    if (session == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("SpecialPoolUseAfterFree: session=%p\n", session);
    RtlZeroMemory(session, sizeof(SESSION));
    session->Version = Version;
    session->State = SESSION_OPEN;
    status = STATUS_SUCCESS;
    if (Version != SESSION_VERSION) {
        ExFreePoolWithTag(session, TAG);
        status = STATUS_REVISION_MISMATCH;
    } else {
        Session = session;
    }
    DbgPrint("SpecialPoolUseAfterFree: session state %lu, status 0x%08lx\n", session->State, status); // VIOLATION: the error path freed it
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    /* The session is optional: the driver runs without one when it cannot open it. */
    (VOID)OpenSession(1);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Session != NULL) {
        ExFreePoolWithTag(Session, TAG);
    }
}
