/*
 * DmaMapRegistersFreedTwiceClean (clean twin of DmaMapRegistersFreedTwice.c): map registers freed twice.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x05, Parameter 2 = the map registers freed again (1).
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    KIRQL irql;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    Adapter->DmaOperations->AllocateAdapterChannel(Adapter, Device, 1, KeepRegisters, NULL);
    Adapter->DmaOperations->FreeMapRegisters(Adapter, Base, 1);
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
