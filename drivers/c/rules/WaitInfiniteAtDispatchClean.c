/*
 * WaitInfiniteAtDispatchClean: under its spin lock the driver only tests the device's event (a zero
 * time-out), the one wait allowed at DISPATCH_LEVEL.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK DeviceLock;
static KEVENT DeviceReady;
static LARGE_INTEGER ReadyTimeout;

/* Not inlined, as in the violating twin: PollDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS PollDevice(VOID)
{
    KIRQL oldIrql;
    NTSTATUS status;

    KeAcquireSpinLock(&DeviceLock, &oldIrql);
    DbgPrint("WaitInfiniteAtDispatch: event=%p\n", &DeviceReady);
    ReadyTimeout.QuadPart = 0; /* test the state, do not wait */
    status = KeWaitForSingleObject(&DeviceReady, Executive, KernelMode, FALSE, &ReadyTimeout);
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
