/*
 * SampleIo: a realistic driver that does everything right, for "no false positive" runs. It creates
 * a device and a symbolic link, builds a CRC table in a system thread, serves the four IOCTL
 * transfer methods, and pends requests in a cancel-safe queue that a timer's DPC completes. It
 * unloads with nothing left behind.
 */
#include "sampleio.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SampleIoUnload;

PDEVICE_EXTENSION SampleIoExtension;
static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\SampleIo");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\SampleIo");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    PDEVICE_EXTENSION ext;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)device->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    SampleIoExtension = ext;
    KeInitializeEvent(&ext->TableReady, NotificationEvent, FALSE);
    SampleIoInitializeQueue(ext);
    KeInitializeTimerEx(&ext->Timer, NotificationTimer);
    KeInitializeDpc(&ext->TickDpc, SampleIoTick, ext);

    status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    status = PsCreateSystemThread(&ext->TableThread, THREAD_ALL_ACCESS, NULL, NULL, NULL, SampleIoBuildCrcTable, ext);
    if (!NT_SUCCESS(status)) {
        IoDeleteSymbolicLink(&LinkName);
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SampleIoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SampleIoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = SampleIoCleanup;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SampleIoDeviceControl;
    DriverObject->DriverUnload = SampleIoUnload;
    return STATUS_SUCCESS;
}

VOID SampleIoUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DriverObject->DeviceObject->DeviceExtension;

    /* The table thread signals TableReady as it ends; then its handle can go. */
    KeWaitForSingleObject(&ext->TableReady, Executive, KernelMode, FALSE, NULL);
    ZwClose(ext->TableThread);
    KeCancelTimer(&ext->Timer);
    SampleIoCancelAll(ext);
    IoDeleteSymbolicLink(&LinkName);
    IoDeleteDevice(DriverObject->DeviceObject);
}

/* System thread: build the CRC-32 table once, then end. */
VOID SampleIoBuildCrcTable(_In_ PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ULONG i, j, c;

    for (i = 0; i < 256; i++) {
        c = i;
        for (j = 0; j < 8; j++) {
            c = (c & 1) ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        ext->CrcTable[i] = c;
    }
    KeSetEvent(&ext->TableReady, IO_NO_INCREMENT, FALSE);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

NTSTATUS SampleIoCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* The handle is going: nothing may stay queued for it. */
NTSTATUS SampleIoCleanup(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    SampleIoCancelAll((PDEVICE_EXTENSION)DeviceObject->DeviceExtension);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
