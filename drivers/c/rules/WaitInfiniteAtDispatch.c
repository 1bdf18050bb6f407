/*
 * WaitInfiniteAtDispatch: under its spin lock the driver waits for the device's event with no
 * time-out at all. At DISPATCH_LEVEL a thread cannot wait: only a zero time-out is allowed.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x121, Parameter 2 = the current IRQL (2),
 * 3 = the event, 4 = 0 (the NULL time-out).
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK DeviceLock;
static KEVENT DeviceReady;

/* Not inlined: the stop blames PollDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS PollDevice(VOID)
{
    KIRQL oldIrql;
    NTSTATUS status;

    KeAcquireSpinLock(&DeviceLock, &oldIrql);
    DbgPrint("WaitInfiniteAtDispatch: event=%p\n", &DeviceReady);
    status = KeWaitForSingleObject(&DeviceReady, Executive, KernelMode, FALSE, NULL); // VIOLATION: no time-out at DISPATCH_LEVEL
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
