/*
 * WaitAboveDispatch: at device IRQL (raised to synchronize with its interrupt) the driver tests the
 * device's event. Even a zero time-out is not allowed above DISPATCH_LEVEL.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x120, Parameter 2 = the current IRQL (5),
 * 3 = the event, 4 = the time-out value's address.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

#define DEVICE_IRQL 5

static KEVENT DeviceReady;
static LARGE_INTEGER ReadyTimeout;

/* Not inlined: the stop blames PollDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS PollDevice(VOID)
{
    KIRQL oldIrql;
    NTSTATUS status;

    KeRaiseIrql(DEVICE_IRQL, &oldIrql);
    ReadyTimeout.QuadPart = 0; /* only a test of the state */
    DbgPrint("WaitAboveDispatch: event=%p timeout=%p\n", &DeviceReady, &ReadyTimeout);
    status = KeWaitForSingleObject(&DeviceReady, Executive, KernelMode, FALSE, &ReadyTimeout); // VIOLATION: above DISPATCH_LEVEL
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
