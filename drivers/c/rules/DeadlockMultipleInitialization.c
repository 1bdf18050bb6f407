/*
 * DeadlockMultipleInitialization: ResetQueue takes the queue's spin lock and then "resets" the queue
 * by initializing everything again, the lock included, while it holds it.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1005, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the spin lock, the saved IRQL, the queue depth. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Depth;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID ResetQueue(VOID)
{
    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    Context->Depth = 0;
    KeInitializeSpinLock(&Context->Lock); // VIOLATION: initialized again while held
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    DbgPrint("DeadlockMultipleInitialization: lock=%p\n", &Context->Lock);
    ResetQueue();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
