/*
 * SpinLockAcquireAboveDispatchClean: the interrupt path only records the event (no lock at device
 * IRQL); the shared state is updated under the spin lock after IRQL is back at PASSIVE_LEVEL.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define DEVICE_IRQL 5

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Pending;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;
static BOOLEAN Interrupted;

static VOID SimulateInterrupt(VOID)
{
    KIRQL old;

    KeRaiseIrql(DEVICE_IRQL, &Context->OldIrql);
    old = Context->OldIrql;
    Interrupted = TRUE;
    KeLowerIrql(old);
}

static VOID RecordPending(VOID)
{
    PKSPIN_LOCK lock = &Context->Lock;

    KeAcquireSpinLock(lock, &Context->OldIrql);
    Context->Pending = 1;
    KeReleaseSpinLock(lock, Context->OldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    SimulateInterrupt();
    if (Interrupted) {
        RecordPending();
    }
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
