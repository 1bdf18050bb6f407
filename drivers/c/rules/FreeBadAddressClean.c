/* FreeBadAddressClean: the string remembers whether it owns its buffer; only an owned buffer is freed. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PUNICODE_STRING Name;
static BOOLEAN OwnsBuffer;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    Name = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(UNICODE_STRING), TAG);
    if (Name == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlInitUnicodeString(Name, L"\\Device\\FreeBadAddress");
    OwnsBuffer = FALSE;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (OwnsBuffer) {
        ExFreePoolWithTag(Name->Buffer, TAG);
    }
    ExFreePoolWithTag(Name, TAG);
}
