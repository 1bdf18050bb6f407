/*
 * DmaAdapterUsedAfterPutClean (clean twin of DmaAdapterUsedAfterPut.c): a routine of the adapter (GetDmaAlignment, its pointer kept from the table) called after the adapter was put.
 *
 * Driver Verifier (DMA checking): no stop: the same work done right.
 */
#include "DmaRule.h"

/* Not inlined, as in the violating twin. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    PGET_DMA_ALIGNMENT getDmaAlignment = Adapter->DmaOperations->GetDmaAlignment;
    getDmaAlignment(Adapter);
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
