/*
 * SpinLockAcquireAboveDispatch: a routine that runs at device IRQL (here: raised to 5, as an
 * interrupt service routine runs) takes an ordinary spin lock. KeAcquireSpinLock raises to
 * DISPATCH_LEVEL, below where it already is: that is what KeAcquireInterruptSpinLock is for.
 *
 * Driver Verifier: 0xC4 / 0x42, Parameter 2 = the IRQL (5), 3 = the spin lock, 4 = 0.
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

/* Not inlined: the verifier blames ServiceInterrupt by name (SpinLockAcquireAboveDispatch!ServiceInterrupt). */
static DECLSPEC_NOINLINE VOID ServiceInterrupt(VOID)
{
    PKSPIN_LOCK lock = &Context->Lock;

    KeAcquireSpinLock(lock, &Context->OldIrql); // VIOLATION: above DISPATCH_LEVEL
    Context->Pending = 1;
    KeReleaseSpinLock(lock, Context->OldIrql);
}

/* What the interrupt would do: run the service routine at device IRQL. */
static VOID SimulateInterrupt(VOID)
{
    KIRQL old;

    KeRaiseIrql(DEVICE_IRQL, &Context->OldIrql);
    old = Context->OldIrql;
    ServiceInterrupt();
    KeLowerIrql(old);
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
    DbgPrint("SpinLockAcquireAboveDispatch: lock=%p\n", &Context->Lock);
    SimulateInterrupt();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
