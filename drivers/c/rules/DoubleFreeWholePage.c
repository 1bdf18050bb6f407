/*
 * DoubleFreeWholePage: a two-page transfer buffer is freed when a transfer ends, and again at unload
 * because the pointer was not cleared. A block this large takes whole pages and has no pool header.
 *
 * Driver Verifier: 0xC4 / 0x14, Parameter 2 = 0 (reserved), 3 = the block, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define TRANSFER_SIZE 0x2000

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID Transfer;

static VOID EndTransfer(VOID)
{
    ExFreePoolWithTag(Transfer, TAG);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    Transfer = ExAllocatePoolWithTag(NonPagedPoolNx, TRANSFER_SIZE, TAG);
    if (Transfer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("DoubleFreeWholePage: transfer=%p\n", Transfer);
    EndTransfer();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Transfer != NULL) {
        ExFreePoolWithTag(Transfer, TAG); // VIOLATION: freed already by EndTransfer
    }
}
