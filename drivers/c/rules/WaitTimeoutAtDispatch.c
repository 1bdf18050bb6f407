/*
 * WaitTimeoutAtDispatch: under its spin lock the driver waits up to 10 ms for the device's event.
 * At DISPATCH_LEVEL a thread cannot wait: only a zero time-out (a test of the state) is allowed.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x122, Parameter 2 = the current IRQL (2),
 * 3 = the event, 4 = the time-out value's address.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK DeviceLock;
static KEVENT DeviceReady;
static LARGE_INTEGER ReadyTimeout;

/* Not inlined: the stop blames PollDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS PollDevice(VOID)
{
    KIRQL oldIrql;
    NTSTATUS status;

    KeAcquireSpinLock(&DeviceLock, &oldIrql);
    ReadyTimeout.QuadPart = -10 * 10000; /* 10 ms */
    DbgPrint("WaitTimeoutAtDispatch: event=%p timeout=%p\n", &DeviceReady, &ReadyTimeout);
    status = KeWaitForSingleObject(&DeviceReady, Executive, KernelMode, FALSE, &ReadyTimeout); // VIOLATION: a non-zero time-out at DISPATCH_LEVEL
    KeReleaseSpinLock(&DeviceLock, oldIrql);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&DeviceLock);
    KeInitializeEvent(&DeviceReady, NotificationEvent, TRUE);
    return PollDevice() == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
