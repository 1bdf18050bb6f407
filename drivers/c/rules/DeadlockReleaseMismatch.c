/*
 * DeadlockReleaseMismatch: SaveSettings acquires the settings' fast mutex with ExAcquireFastMutex (which
 * raises to APC_LEVEL) and releases it with ExReleaseFastMutexUnsafe (which does not lower it back).
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1009, Parameter 2 = the fast mutex, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the fast mutex, then a setting. */
typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    ULONG Setting;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID SaveSettings(VOID)
{
    ExAcquireFastMutex(&Context->Mutex);
    Context->Setting = 1;
    ExReleaseFastMutexUnsafe(&Context->Mutex); // VIOLATION: acquired with ExAcquireFastMutex
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    ExInitializeFastMutex(&Context->Mutex);
    DbgPrint("DeadlockReleaseMismatch: mutex=%p\n", &Context->Mutex);
    SaveSettings();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
