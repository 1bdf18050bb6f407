/* DoubleFreeWholePageClean: EndTransfer clears the pointer when it frees the buffer. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define TRANSFER_SIZE 0x2000

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID Transfer;

static VOID EndTransfer(VOID)
{
    ExFreePoolWithTag(Transfer, TAG);
    Transfer = NULL;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    Transfer = ExAllocatePoolWithTag(NonPagedPoolNx, TRANSFER_SIZE, TAG);
    if (Transfer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    EndTransfer();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Transfer != NULL) {
        ExFreePoolWithTag(Transfer, TAG);
    }
}
