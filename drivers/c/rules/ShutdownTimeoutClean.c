/*
 * ShutdownTimeoutClean (C twin of drivers/ts/rules/ShutdownTimeoutClean.ts): the IRP_MJ_SHUTDOWN
 * routine starts the flush and waits, with a 2-second time-out, for the hardware's answer, which comes
 * 10 ms later (a timer's DPC stands in for the hardware).
 */
#include <ntddk.h>

typedef struct _DEVICE_EXTENSION {
    KEVENT Flushed;
    KTIMER Timer;
    KDPC Dpc;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_DISPATCH ShutdownDispatch;
KDEFERRED_ROUTINE FlushDoneDpc;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    PDEVICE_EXTENSION ext;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)device->DeviceExtension;
    KeInitializeEvent(&ext->Flushed, NotificationEvent, FALSE);
    KeInitializeTimer(&ext->Timer);
    KeInitializeDpc(&ext->Dpc, FlushDoneDpc, ext);
    DriverObject->MajorFunction[IRP_MJ_SHUTDOWN] = ShutdownDispatch;
    return IoRegisterShutdownNotification(device);
}

/* The hardware's answer. */
VOID FlushDoneDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KeSetEvent(&((PDEVICE_EXTENSION)Context)->Flushed, IO_NO_INCREMENT, FALSE);
}

NTSTATUS ShutdownDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    LARGE_INTEGER latency;
    LARGE_INTEGER timeout;
    NTSTATUS status;

    latency.QuadPart = -10LL * 10000;
    KeSetTimer(&ext->Timer, latency, &ext->Dpc);
    timeout.QuadPart = -2LL * 10000000;
    status = KeWaitForSingleObject(&ext->Flushed, Executive, KernelMode, FALSE, &timeout);
    KeCancelTimer(&ext->Timer);
    status = status == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status; /* the status it completed the IRP with (I/O verification checks they agree) */
}
