/*
 * SpinLockDpcAcquireLowIrqlClean: CompleteWork() runs only in the DPC, at DISPATCH_LEVEL, where
 * the AtDpcLevel spin lock routines belong.
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

static VOID CompleteWork(VOID)
{
    PKSPIN_LOCK lock = &Context->Lock;

    KeAcquireSpinLockAtDpcLevel(lock);
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
    KeInsertQueueDpc(&Context->Dpc, NULL, NULL);
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
    KeFlushQueuedDpcs();
    ExFreePoolWithTag(Context, TAG);
}
