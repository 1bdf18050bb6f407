/*
 * SpinLockReleaseBadIrql: a counter under a spin lock, with the lock released twice. The first
 * release returns to PASSIVE_LEVEL; the second is at PASSIVE_LEVEL, not DISPATCH_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x32, Parameter 2 = the IRQL (0), 3 = the spin lock, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the spin lock, the saved IRQL, the counter. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Counter;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames BumpCounter by name (SpinLockReleaseBadIrql!BumpCounter). */
static DECLSPEC_NOINLINE VOID BumpCounter(VOID)
{
    PKSPIN_LOCK lock = &Context->Lock;

    KeAcquireSpinLock(lock, &Context->OldIrql);
    Context->Counter++;
    KeReleaseSpinLock(lock, Context->OldIrql);
    KeReleaseSpinLock(lock, Context->OldIrql); // VIOLATION: released a second time
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
    DbgPrint("SpinLockReleaseBadIrql: lock=%p\n", &Context->Lock);
    BumpCounter();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
