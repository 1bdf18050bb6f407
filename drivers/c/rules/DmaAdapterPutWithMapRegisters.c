/*
 * DmaAdapterPutWithMapRegisters (violating sample): the adapter put while map registers it kept (DeallocateObjectKeepRegisters) were never freed.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x09, Parameter 2 = the adapter, 3 = 1 map register allocation, 4 = the verifier's record.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    KIRQL irql;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepRegisters, NULL);
    KeLowerIrql(irql);
    Adapter->DmaOperations->PutDmaAdapter(Adapter); // VIOLATION: the map registers are still allocated
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
