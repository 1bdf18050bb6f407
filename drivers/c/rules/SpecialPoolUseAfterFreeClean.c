/*
 * SpecialPoolUseAfterFreeClean: the same optional session; the trace reads the state before the
 * error path frees the session, and the exit reports only the status.
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

/* Not inlined, as in SpecialPoolUseAfterFree.c. */
static DECLSPEC_NOINLINE NTSTATUS OpenSession(_In_ ULONG Version)
{
    PSESSION session;
    NTSTATUS status;
    ULONG state;

    session = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(SESSION), TAG);
    if (session == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(session, sizeof(SESSION));
    session->Version = Version;
    session->State = SESSION_OPEN;
    state = session->State;
    status = STATUS_SUCCESS;
    if (Version != SESSION_VERSION) {
        ExFreePoolWithTag(session, TAG);
        session = NULL;
        status = STATUS_REVISION_MISMATCH;
    } else {
        Session = session;
    }
    DbgPrint("SpecialPoolUseAfterFreeClean: session state %lu, status 0x%08lx\n", state, status);
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
