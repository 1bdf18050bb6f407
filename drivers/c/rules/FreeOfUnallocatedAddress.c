/*
 * FreeOfUnallocatedAddress: a message buffer starts with an 8-byte header; the driver keeps a
 * pointer to the payload and frees that pointer, not the address the allocation returned.
 *
 * Driver Verifier: 0xC4 / 0x10, Parameter 2 = the address freed (the block + 8), 3 = 0, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define HEADER_SIZE 8
#define MESSAGE_SIZE 0x48

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PUCHAR Payload;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PUCHAR message;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    message = ExAllocatePoolWithTag(NonPagedPoolNx, MESSAGE_SIZE, TAG);
    if (message == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("FreeOfUnallocatedAddress: message=%p\n", message);
    *(PULONG)message = MESSAGE_SIZE - HEADER_SIZE;
    Payload = message + HEADER_SIZE;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Payload, TAG); // VIOLATION: the payload, not the block
}
