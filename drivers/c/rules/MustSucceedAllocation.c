/*
 * MustSucceedAllocation: the driver asks for NonPagedPoolMustSucceed "so it never has to handle a
 * failure". Such requests are never allowed.
 *
 * Driver Verifier: 0xC4 / 0x03, Parameter 2 = the IRQL (0), 3 = the pool type (2,
 * NonPagedPoolMustSucceed), 4 = the size (0x40).
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define STATE_SIZE 0x40

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID State;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    State = ExAllocatePoolWithTag(NonPagedPoolMustSucceed, STATE_SIZE, TAG); // VIOLATION: must-succeed pool
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (State != NULL) {
        ExFreePoolWithTag(State, TAG);
    }
}
