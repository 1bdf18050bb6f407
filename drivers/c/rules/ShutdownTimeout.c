/*
 * ShutdownTimeout (C twin of drivers/ts/rules/ShutdownTimeout.ts): a storage-style driver flushes its
 * device cache when the system shuts down. Its IRP_MJ_SHUTDOWN routine waits for the hardware's
 * "flushed" event with a 30-minute time-out, and the hardware never answers: shutdown is stuck in the
 * driver.
 *
 * Like most drivers that take part in shutdown, it has no DriverUnload: it cannot be unloaded, so
 * `dv run` leaves it loaded and it sees the shutdown.
 *
 * Driver Verifier, 20 minutes (simulated) after shutdown started: with no kernel debugger attached,
 * 0xC4 / 0x115, Parameter 2 = the shutdown thread, 3 = 0, 4 = 0. With one (`dv run --debugger`), a
 * break the user may continue (`g`): the wait then times out at 30 minutes and shutdown finishes.
 */
#include <ntddk.h>

typedef struct _DEVICE_EXTENSION {
    KEVENT Flushed;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_DISPATCH ShutdownDispatch;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    KeInitializeEvent(&((PDEVICE_EXTENSION)device->DeviceExtension)->Flushed, NotificationEvent, FALSE);
    DriverObject->MajorFunction[IRP_MJ_SHUTDOWN] = ShutdownDispatch;
    return IoRegisterShutdownNotification(device);
}

NTSTATUS ShutdownDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    LARGE_INTEGER timeout;
    NTSTATUS status;

    DbgPrint("ShutdownTimeout: flushing on thread=%p\n", PsGetCurrentThread());
    timeout.QuadPart = -30LL * 60 * 10000000;
    status = KeWaitForSingleObject(&ext->Flushed, Executive, KernelMode, FALSE, &timeout); // VIOLATION: nothing will set the event
    status = status == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status; /* the status it completed the IRP with (I/O verification checks they agree) */
}
