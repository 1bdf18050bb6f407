/*
 * InvariantMdlWriteClean: the device takes writes by direct I/O and wants its data framed with a
 * checksum byte and scrambled. The write routine scrambles into a pool buffer of its own (what it
 * would hand the hardware) and leaves the caller's pages as they were.
 */
#include <ntddk.h>

#define SCRAMBLE 0x5A
#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\InvariantMdlWrite");
static UCHAR LastChecksum;

/* Not inlined, as in the violating twin: WriteToDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS WriteToDevice(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = sp->Parameters.Write.Length;
    PUCHAR data;
    PUCHAR frame;
    UCHAR sum = 0;
    ULONG i;

    DbgPrint("InvariantMdlWrite: device=%p irp=%p\n", DeviceObject, Irp);
    data = Irp->MdlAddress != NULL ? (PUCHAR)MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority) : NULL;
    if (data == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("InvariantMdlWrite: buffer=%p\n", data);
    frame = length > 0 ? (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, length, RULE_TAG) : NULL;
    for (i = 0; frame != NULL && i < length; i++) {
        sum = (UCHAR)(sum + data[i]);
        frame[i] = (UCHAR)(data[i] ^ SCRAMBLE); /* in the driver's own buffer */
    }
    LastChecksum = sum;
    if (frame != NULL) {
        ExFreePoolWithTag(frame, RULE_TAG);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    if (sp->MajorFunction == IRP_MJ_WRITE) {
        return WriteToDevice(DeviceObject, Irp);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    device->Flags |= DO_DIRECT_IO;
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
