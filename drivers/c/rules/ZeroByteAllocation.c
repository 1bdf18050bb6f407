/*
 * ZeroByteAllocation: the driver sizes a buffer from a count of records it was given (here, none)
 * and allocates it without checking for zero.
 *
 * Driver Verifier: 0xC4 / 0x00, Parameter 2 = the IRQL (0), 3 = the pool type (0x200,
 * NonPagedPoolNx), 4 = the size (0).
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define RECORD_SIZE 0x18

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID Table;

/* Not inlined: the verifier blames LoadTable by name (ZeroByteAllocation!LoadTable). */
static DECLSPEC_NOINLINE NTSTATUS LoadTable(ULONG Records)
{
    Table = ExAllocatePoolWithTag(NonPagedPoolNx, Records * RECORD_SIZE, TAG); // VIOLATION: zero bytes
    return Table == NULL ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return LoadTable(0);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Table != NULL) {
        ExFreePoolWithTag(Table, TAG);
    }
}
