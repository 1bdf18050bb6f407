/*
 * DmaAdapterPutWithScatterGatherListsClean (clean twin of DmaAdapterPutWithScatterGatherLists.c): the adapter put while a scatter/gather list it gave was never put.
 *
 * Driver Verifier (DMA checking): no stop: the same work done right.
 */
#include "DmaRule.h"

/* Not inlined, as in the violating twin. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, RULE_TAG);
    PMDL mdl;
    KIRQL irql;
    if (buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    if (mdl == NULL) {
        ExFreePoolWithTag(buffer, RULE_TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    MmBuildMdlForNonPagedPool(mdl);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->GetScatterGatherList(Adapter, Device, mdl, buffer, 0x200, KeepList, NULL, TRUE);
    Adapter->DmaOperations->PutScatterGatherList(Adapter, List, TRUE);
    KeLowerIrql(irql);
    Adapter->DmaOperations->PutDmaAdapter(Adapter);
    Adapter = NULL;
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buffer, RULE_TAG);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    DriverObjectOfSample = DriverObject;
    status = GetAdapter();
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = Work();
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(Device);
    }
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    IoDeleteDevice(Device);
}
