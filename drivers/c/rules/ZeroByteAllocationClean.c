/* ZeroByteAllocationClean: an empty table needs no buffer; the driver allocates only for one or more records. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define RECORD_SIZE 0x18

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID Table;

static NTSTATUS LoadTable(ULONG Records)
{
    if (Table != NULL) {
        ExFreePoolWithTag(Table, TAG);
    }
    Table = NULL;
    if (Records == 0) {
        return STATUS_SUCCESS;
    }
    Table = ExAllocatePoolWithTag(NonPagedPoolNx, Records * RECORD_SIZE, TAG);
    return Table == NULL ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    status = LoadTable(0);
    return NT_SUCCESS(status) ? LoadTable(3) : status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Table != NULL) {
        ExFreePoolWithTag(Table, TAG);
    }
}
