/*
 * DmaBuffersNotFlushedClean (clean twin of DmaBuffersNotFlushed.c): map registers freed with a transfer mapped on them and never flushed.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x0D, Parameter 2 = 0x200 bytes mapped, 3 = 4 registers of a page.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
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
    ULONG length = 0x200;
    MmBuildMdlForNonPagedPool(mdl);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepRegisters, NULL);
    Adapter->DmaOperations->MapTransfer(Adapter, mdl, Base, buffer, &length, TRUE);
    Adapter->DmaOperations->FlushAdapterBuffers(Adapter, mdl, Base, buffer, length, TRUE);
    Adapter->DmaOperations->FreeMapRegisters(Adapter, Base, 1);
    KeLowerIrql(irql);
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
    Adapter->DmaOperations->PutDmaAdapter(Adapter);
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
