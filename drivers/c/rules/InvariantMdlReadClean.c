/*
 * InvariantMdlReadClean: the clean twin of InvariantMdlRead. The read routine passes the read to
 * the worker device as it came, and only the worker, at the bottom, writes the caller's buffer.
 *
 * Driver Verifier (Invariant MDL checking for stack and for driver): no stop.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\InvariantMdlReadClean");
static PDEVICE_OBJECT Device;
static PDEVICE_OBJECT Worker;

/* The worker: the device's data, bytes 0x00, 0x01, ... */
static NTSTATUS Fill(_Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = sp->Parameters.Read.Length;
    PUCHAR data = Irp->MdlAddress != NULL ? (PUCHAR)MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority) : NULL;
    ULONG i;
    NTSTATUS status = STATUS_SUCCESS;

    if (data == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        length = 0;
    }
    for (i = 0; i < length; i++) {
        data[i] = (UCHAR)i;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

/* Not inlined: the stop blames ReadFromDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS ReadFromDevice(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PUCHAR data;

    DbgPrint("InvariantMdlRead: device=%p irp=%p\n", DeviceObject, Irp);
    data = Irp->MdlAddress != NULL ? (PUCHAR)MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority) : NULL;
    if (data == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("InvariantMdlRead: buffer=%p\n", data);
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Worker, Irp);
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    if (sp->MajorFunction == IRP_MJ_READ) {
        return DeviceObject == Worker ? Fill(Irp) : ReadFromDevice(DeviceObject, Irp);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Worker);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(Worker);
        return status;
    }
    /* A read goes through both devices: one stack location each. */
    Device->StackSize = (CCHAR)(Worker->StackSize + 1);
    Device->Flags |= DO_DIRECT_IO;
    Device->Flags &= ~DO_DEVICE_INITIALIZING;
    Worker->Flags |= DO_DIRECT_IO;
    Worker->Flags &= ~DO_DEVICE_INITIALIZING;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_READ] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    IoDeleteDevice(Device);
    IoDeleteDevice(Worker);
}
