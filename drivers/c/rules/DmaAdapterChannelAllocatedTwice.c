/*
 * DmaAdapterChannelAllocatedTwice (violating sample): a second adapter channel asked for while the first is still held.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x0B, Parameter 2 = 1 channel outstanding.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    KIRQL irql;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepChannel, NULL);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepChannel, NULL); // VIOLATION: the channel is held
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
