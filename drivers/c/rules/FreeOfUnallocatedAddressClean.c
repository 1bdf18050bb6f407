/* FreeOfUnallocatedAddressClean: the driver keeps the block's address and frees that. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define HEADER_SIZE 8
#define MESSAGE_SIZE 0x48

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PUCHAR Message;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    Message = ExAllocatePoolWithTag(NonPagedPoolNx, MESSAGE_SIZE, TAG);
    if (Message == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *(PULONG)Message = MESSAGE_SIZE - HEADER_SIZE;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Message, TAG);
}
