/*
 * InvariantMdlRead: the driver's named device takes reads by direct I/O (an MDL of the caller's
 * pages) and passes them to its worker device, which fills the buffer. Before passing a read down,
 * the read routine marks the caller's buffer "not read yet" (0xFF) in place: the buffer of a Read
 * IRP belongs to the device at the bottom, and the caller's pages change on the way down.
 * `dv run drivers/c/rules/InvariantMdlRead.wasm --verifier 0x229bb --read 8`.
 *
 * Driver Verifier (Invariant MDL checking for stack, 0x2000), when the read is passed down: 0xC4 /
 * 0x1011, Parameter 2 = the device, 3 = the IRP, 4 = the MDL's buffer.
 */
#include <ntddk.h>

#define NOT_READ 0xFF

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\InvariantMdlRead");
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
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
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
    RtlFillMemory(data, sp->Parameters.Read.Length, NOT_READ); /* in the caller's pages */
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Worker, Irp); // VIOLATION: the caller's buffer was changed above
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
