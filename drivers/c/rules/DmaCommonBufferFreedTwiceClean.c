/*
 * DmaCommonBufferFreedTwiceClean (clean twin of DmaCommonBufferFreedTwice.c): a common buffer freed twice.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x03, Parameter 2 = 1 extra buffer freed.
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
