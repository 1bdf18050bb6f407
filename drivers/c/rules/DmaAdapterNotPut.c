/*
 * DmaAdapterNotPut (violating sample): the driver unloads without PutDmaAdapter for the adapter it got in DriverEntry.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x11 at unload, Parameter 2 = 1 reference, 3 = the adapter, 4 = the verifier's record.
 */
#include "DmaRule.h"

/* Not inlined: the stop blames Work by name. */
static DECLSPEC_NOINLINE NTSTATUS Work(VOID)
{
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    DriverObjectOfSample = DriverObject;
    status = GetAdapter(); // VIOLATION: the adapter is never put
    if (!NT_SUCCESS(status)) {
        return status;
    }
    return Work();
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    IoDeleteDevice(Device);
}
