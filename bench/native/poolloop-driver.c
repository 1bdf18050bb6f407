/*
 * PoolLoop.sys: the WDM plumbing around PoolLoopRun, for the simulator (`dv build poolloop.c
 * poolloop-driver.c`). Not part of the native build. IOCTL_POOL_LOOP takes a POOL_LOOP_INPUT and
 * returns the checksum as a ULONG.
 */
#include "poolloop.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD PoolLoopUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH PoolLoopCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH PoolLoopDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolLoop");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = PoolLoopCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = PoolLoopCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = PoolLoopDeviceControl;
    DriverObject->DriverUnload = PoolLoopUnload;
    return STATUS_SUCCESS;
}

VOID PoolLoopUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}

static NTSTATUS Complete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

NTSTATUS PoolLoopCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return Complete(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS PoolLoopDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PPOOL_LOOP_INPUT input = (PPOOL_LOOP_INPUT)Irp->AssociatedIrp.SystemBuffer;
    ULONG result;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_POOL_LOOP) {
        return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    if (sp->Parameters.DeviceIoControl.InputBufferLength < sizeof(POOL_LOOP_INPUT) ||
        sp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
        return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }
    if (input->MinSize == 0 || input->MaxSize < input->MinSize) {
        return Complete(Irp, STATUS_INVALID_PARAMETER, 0);
    }
    result = PoolLoopRun(input->Count, input->MinSize, input->MaxSize);
    if (result == (ULONG)-1) {
        return Complete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    *(PULONG)Irp->AssociatedIrp.SystemBuffer = result;
    return Complete(Irp, STATUS_SUCCESS, sizeof(ULONG));
}
