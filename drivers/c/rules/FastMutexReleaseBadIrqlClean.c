/* FastMutexReleaseBadIrqlClean: the locks are let go in the reverse order of taking them; the fast mutex at APC_LEVEL. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Config;
    ULONG Stats;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static VOID Refresh(VOID)
{
    ExAcquireFastMutex(&Context->Mutex);
    Context->Config = 1;
    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    Context->Stats++;
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
    ExReleaseFastMutex(&Context->Mutex);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    ExInitializeFastMutex(&Context->Mutex);
    KeInitializeSpinLock(&Context->Lock);
    Refresh();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
