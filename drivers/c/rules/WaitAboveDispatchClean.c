/*
 * WaitAboveDispatchClean: the driver tests the device's event at DISPATCH_LEVEL (a zero time-out),
 * then raises to device IRQL only for the work the interrupt must not interrupt.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

#define DEVICE_IRQL 5

static KEVENT DeviceReady;
static LARGE_INTEGER ReadyTimeout;

/* Not inlined, as in the violating twin: PollDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS PollDevice(VOID)
{
    KIRQL oldIrql;
    NTSTATUS status;

    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    ReadyTimeout.QuadPart = 0; /* only a test of the state */
    DbgPrint("WaitAboveDispatch: event=%p timeout=%p\n", &DeviceReady, &ReadyTimeout);
    status = KeWaitForSingleObject(&DeviceReady, Executive, KernelMode, FALSE, &ReadyTimeout);
    KeLowerIrql(oldIrql);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeEvent(&DeviceReady, NotificationEvent, TRUE);
    return PollDevice() == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
