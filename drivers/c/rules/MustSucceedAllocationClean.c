/* MustSucceedAllocationClean: an ordinary nonpaged allocation, and DriverEntry fails cleanly if it cannot be had. */
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
    State = ExAllocatePoolWithTag(NonPagedPoolNx, STATE_SIZE, TAG);
    return State == NULL ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(State, TAG);
}
