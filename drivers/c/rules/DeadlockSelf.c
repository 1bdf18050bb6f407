/*
 * DeadlockSelf: UpdateTotals takes the totals' spin lock and calls AddSample, which takes the same
 * lock again. On Windows the processor spins forever on a lock it holds itself.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1000, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the spin lock, the saved IRQL, the total. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Total;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID AddSample(ULONG Value)
{
    KeAcquireSpinLockAtDpcLevel(&Context->Lock); // VIOLATION: UpdateTotals holds it already
    Context->Total += Value;
    KeReleaseSpinLockFromDpcLevel(&Context->Lock);
}

static DECLSPEC_NOINLINE VOID UpdateTotals(ULONG Value)
{
    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    AddSample(Value);
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
    DbgPrint("DeadlockSelf: lock=%p\n", &Context->Lock);
    UpdateTotals(3);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
