/*
 * StackSwitchClean: the same work as StackSwitch, on the stack the kernel gave the thread. Driver
 * Verifier stays silent.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK Lock;

DECLSPEC_NOINLINE static VOID RunOnThreadStack(VOID)
{
    KeInitializeSpinLock(&Lock);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    RunOnThreadStack();
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

static VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
