/*
 * DmaAdapterPutWithCommonBuffersClean (clean twin of DmaAdapterPutWithCommonBuffers.c): the adapter put while a common buffer of it is still allocated.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x07, Parameter 2 = the adapter, 3 = 1 common buffer, 4 = the verifier's record.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    PHYSICAL_ADDRESS logical;
    PVOID va = Adapter->DmaOperations->AllocateCommonBuffer(Adapter, 0x100, &logical, FALSE);
    if (va == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Adapter->DmaOperations->FreeCommonBuffer(Adapter, 0x100, logical, va, FALSE);
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
