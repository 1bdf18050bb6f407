/*
 * DoubleFreeClean: the error path only sets the status; the common exit frees the working buffer
 * once, whatever the request.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define REQUEST_HEADER 4
#define WORK_SIZE 0x40
#define IOCTL_RULE_SUBMIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DoubleFreeClean");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

/* Not inlined, as in DoubleFree.c. */
static DECLSPEC_NOINLINE NTSTATUS Submit(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    ULONG length;
    PVOID work;
    NTSTATUS status;

    if (Sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RULE_SUBMIT) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    length = Sp->Parameters.DeviceIoControl.InputBufferLength;
    work = ExAllocatePoolWithTag(NonPagedPoolNx, WORK_SIZE, TAG);
    if (work == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = STATUS_SUCCESS;
    if (length < REQUEST_HEADER) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        RtlCopyMemory(work, Irp->AssociatedIrp.SystemBuffer, min(length, WORK_SIZE));
    }
    ExFreePoolWithTag(work, TAG);
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    status = sp->MajorFunction == IRP_MJ_DEVICE_CONTROL ? Submit(Irp, sp) : STATUS_SUCCESS;
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
