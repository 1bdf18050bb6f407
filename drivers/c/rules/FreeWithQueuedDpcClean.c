/*
 * FreeWithQueuedDpcClean: a completion block carries the DPC that finishes the work at
 * DISPATCH_LEVEL. The abort path takes the DPC off the queue (KeRemoveQueueDpc) before freeing it.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _COMPLETION {
    KDPC Dpc;
    ULONG Done;
} COMPLETION, *PCOMPLETION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE FinishDpc;

static KSPIN_LOCK QueueLock;

VOID FinishDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    ((PCOMPLETION)Context)->Done = 1;
}

/* Not inlined, as in the violating twin: AbortCompletion by name. Called under QueueLock. */
static DECLSPEC_NOINLINE VOID AbortCompletion(PCOMPLETION completion)
{
    KeRemoveQueueDpc(&completion->Dpc);
    ExFreePoolWithTag(completion, RULE_TAG);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PCOMPLETION completion;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&QueueLock);
    completion = (PCOMPLETION)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(COMPLETION), RULE_TAG);
    if (completion == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    completion->Done = 0;
    KeInitializeDpc(&completion->Dpc, FinishDpc, completion);
    DbgPrint("FreeWithQueuedDpc: block=%p dpc=%p\n", completion, &completion->Dpc);
    KeAcquireSpinLock(&QueueLock, &oldIrql);
    KeInsertQueueDpc(&completion->Dpc, NULL, NULL);
    AbortCompletion(completion);
    KeReleaseSpinLock(&QueueLock, oldIrql);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
