/*
 * DmaCommonBufferOverrunClean (clean twin of DmaCommonBufferOverrun.c): one byte written past the end of a common buffer; found when it is freed.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x0F, Parameter 2 = 2 (the tag after the buffer), 3 = its length, 4 = its start.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    PHYSICAL_ADDRESS logical;
    PUCHAR va = (PUCHAR)Adapter->DmaOperations->AllocateCommonBuffer(Adapter, 0x100, &logical, FALSE);
    ULONG i;
    if (va == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("DmaCommonBufferOverrun: buffer=%p\n", va);
    for (i = 0; i < 0x100; i++) {
        va[i] = 0xFF;
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
