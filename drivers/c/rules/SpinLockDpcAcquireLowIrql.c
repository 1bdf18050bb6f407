/*
 * SpinLockDpcAcquireLowIrql: CompleteWork() is written for the DPC, where IRQL is already
 * DISPATCH_LEVEL, so it takes the lock with KeAcquireSpinLockAtDpcLevel. DriverEntry calls it too,
 * directly, at PASSIVE_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x40, Parameter 2 = the IRQL (0), 3 = the spin lock, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    ULONG Done;
    KDPC Dpc;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE WorkDpc;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames CompleteWork by name (SpinLockDpcAcquireLowIrql!CompleteWork). */
static DECLSPEC_NOINLINE VOID CompleteWork(VOID)
{
    PKSPIN_LOCK lock = &Context->Lock;

    KeAcquireSpinLockAtDpcLevel(lock); // VIOLATION: at PASSIVE_LEVEL when called from DriverEntry
    Context->Done++;
    KeReleaseSpinLockFromDpcLevel(lock);
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
    KeInitializeDpc(&Context->Dpc, WorkDpc, Context);
    DbgPrint("SpinLockDpcAcquireLowIrql: lock=%p\n", &Context->Lock);
    KeInsertQueueDpc(&Context->Dpc, NULL, NULL);
    CompleteWork(); /* the bug: also called outside the DPC */
    return STATUS_SUCCESS;
}

VOID WorkDpc(_In_ PKDPC Dpc, _In_opt_ PVOID DeferredContext, _In_opt_ PVOID SystemArgument1, _In_opt_ PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    CompleteWork();
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
