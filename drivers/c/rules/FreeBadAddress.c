/*
 * FreeBadAddress: the device name is a UNICODE_STRING that sometimes owns a pool buffer and
 * sometimes points at a constant. The cleanup frees its Buffer either way: here the constant, an
 * address in the driver's image, not in any pool.
 *
 * Driver Verifier: 0xC4 / 0x16, Parameter 2 = 0 (reserved), 3 = the address freed, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PUNICODE_STRING Name;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    Name = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(UNICODE_STRING), TAG);
    if (Name == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlInitUnicodeString(Name, L"\\Device\\FreeBadAddress");
    DbgPrint("FreeBadAddress: buffer=%p\n", Name->Buffer);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Name->Buffer, TAG); // VIOLATION: a constant, not pool
    ExFreePoolWithTag(Name, TAG);
}
