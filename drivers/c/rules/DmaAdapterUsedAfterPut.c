/*
 * DmaAdapterUsedAfterPut (violating sample): a routine of the adapter (GetDmaAlignment, its pointer kept from the table) called after the adapter was put.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x18, Parameter 2 = the adapter, 3 = the verifier's record, 4 = 0.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    PGET_DMA_ALIGNMENT getDmaAlignment = Adapter->DmaOperations->GetDmaAlignment;
    Adapter->DmaOperations->PutDmaAdapter(Adapter);
    getDmaAlignment(Adapter); // VIOLATION: the adapter was put
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
