/*
 * PoolOverrunKasanClean: the same label request; the copy leaves room for the terminator, so a short
 * buffer gets a truncated label that still ends inside it.
 */
#include <ntddk.h>

#define IOCTL_RULE_GET_LABEL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolOverrunKasanClean");
static const CHAR Label[] = "Rule sample device 1";

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

/* Not inlined, as in PoolOverrunKasan.c. */
static DECLSPEC_NOINLINE NTSTATUS GetLabel(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    PCHAR buffer;
    ULONG length;
    ULONG copied;

    if (Sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RULE_GET_LABEL) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    length = Sp->Parameters.DeviceIoControl.OutputBufferLength;
    buffer = Irp->AssociatedIrp.SystemBuffer;
    if (length == 0) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    copied = min(length - 1, (ULONG)(sizeof(Label) - 1));
    RtlCopyMemory(buffer, Label, copied);
    buffer[copied] = '\0';
    Irp->IoStatus.Information = copied;
    return STATUS_SUCCESS;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    status = sp->MajorFunction == IRP_MJ_DEVICE_CONTROL ? GetLabel(Irp, sp) : STATUS_SUCCESS;
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
