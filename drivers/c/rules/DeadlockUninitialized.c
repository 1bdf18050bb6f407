/*
 * DeadlockUninitialized: the configuration block's fast mutex is used without ExInitializeFastMutex
 * (the block is zeroed pool). On Windows the acquisition waits on an event that is not one.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1002, Parameter 2 = the fast mutex, 3 and 4 = 0.
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

static DECLSPEC_NOINLINE VOID LoadSettings(VOID)
{
    ExAcquireFastMutex(&Context->Mutex); // VIOLATION: never initialized with ExInitializeFastMutex
    Context->Setting = 1;
    ExReleaseFastMutex(&Context->Mutex);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("DeadlockUninitialized: mutex=%p\n", &Context->Mutex);
    LoadSettings();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
