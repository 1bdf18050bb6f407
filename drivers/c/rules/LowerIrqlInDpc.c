/*
 * LowerIrqlInDpc (a variant of LowerIrqlRaises): a DPC routine "drops to PASSIVE_LEVEL to do the
 * slow part" with KeLowerIrql. A DPC runs at DISPATCH_LEVEL and must return at it; it may never go
 * below it.
 *
 * Driver Verifier: 0xC4 / 0x31, Parameter 2 = the current IRQL (2), 3 = the requested IRQL (0),
 * 4 = 1 (the new IRQL is invalid inside a DPC routine).
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KDPC Dpc;
    ULONG Done;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE CompletionDpc;

static PCONTEXT_BLOCK Context;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeDpc(&Context->Dpc, CompletionDpc, Context);
    KeInsertQueueDpc(&Context->Dpc, NULL, NULL);
    return STATUS_SUCCESS;
}

VOID CompletionDpc(_In_ PKDPC Dpc, _In_opt_ PVOID DeferredContext, _In_opt_ PVOID SystemArgument1, _In_opt_ PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeLowerIrql(PASSIVE_LEVEL); // VIOLATION: below DISPATCH_LEVEL inside a DPC
    ((PCONTEXT_BLOCK)DeferredContext)->Done = 1;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
