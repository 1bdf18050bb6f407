/*
 * DmaAdapterPutWithMapRegistersClean (clean twin of DmaAdapterPutWithMapRegisters.c): the adapter put while map registers it kept (DeallocateObjectKeepRegisters) were never freed.
 *
 * Driver Verifier (DMA checking): no stop: the same work done right.
 */
#include "DmaRule.h"

/* Not inlined, as in the violating twin. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    KIRQL irql;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepRegisters, NULL);
    Adapter->DmaOperations->FreeMapRegisters(Adapter, Base, 1);
    KeLowerIrql(irql);
    Adapter->DmaOperations->PutDmaAdapter(Adapter);
    Adapter = NULL;
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
