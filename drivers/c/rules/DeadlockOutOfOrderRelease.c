/*
 * DeadlockOutOfOrderRelease: Transfer takes the source's spin lock, then the target's, each with
 * KeAcquireSpinLock, and releases the source's first: that returns to PASSIVE_LEVEL while the target's
 * spin lock is still held.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1003, Parameter 2 = the lock released (the source's),
 * 3 = the lock that should have been released first (the target's), 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the source's lock, the target's lock, their saved IRQLs, the two balances. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK SourceLock;
    KSPIN_LOCK TargetLock;
    KIRQL SourceIrql;
    KIRQL TargetIrql;
    LONG Source;
    LONG Target;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID Transfer(LONG Amount)
{
    KeAcquireSpinLock(&Context->SourceLock, &Context->SourceIrql);
    KeAcquireSpinLock(&Context->TargetLock, &Context->TargetIrql);
    Context->Source -= Amount;
    Context->Target += Amount;
    KeReleaseSpinLock(&Context->SourceLock, Context->SourceIrql); // VIOLATION: the target's lock is still held
    KeReleaseSpinLock(&Context->TargetLock, Context->TargetIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->SourceLock);
    KeInitializeSpinLock(&Context->TargetLock);
    DbgPrint("DeadlockOutOfOrderRelease: source=%p target=%p\n", &Context->SourceLock, &Context->TargetLock);
    Transfer(5);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
