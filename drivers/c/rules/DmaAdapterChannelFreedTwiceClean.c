/*
 * DmaAdapterChannelFreedTwiceClean (clean twin of DmaAdapterChannelFreedTwice.c): the adapter channel freed twice.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x04, Parameter 2 = 1 extra channel freed.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    KIRQL irql;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepChannel, NULL);
    Adapter->DmaOperations->FreeAdapterChannel(Adapter);
    KeLowerIrql(irql);
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
