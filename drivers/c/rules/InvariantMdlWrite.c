/*
 * InvariantMdlWrite: the device takes writes by direct I/O (an MDL of the caller's pages) and wants
 * its data framed with a checksum byte and scrambled. The write routine does that in place, in the
 * caller's buffer, instead of in a buffer of its own: the data the caller wrote changes under it.
 * `dv run drivers/c/rules/InvariantMdlWrite.wasm --verifier 0x229bb --write 48656c6c6f2c20646576696365`.
 *
 * Driver Verifier (Invariant MDL checking for stack, 0x2000), when the write completes: 0xC4 /
 * 0x1010, Parameter 2 = the device, 3 = the IRP, 4 = the MDL's buffer.
 */
#include <ntddk.h>

#define SCRAMBLE 0x5A

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\InvariantMdlWrite");
static UCHAR LastChecksum;

/* Not inlined: the stop blames WriteToDevice by name. */
static DECLSPEC_NOINLINE NTSTATUS WriteToDevice(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = sp->Parameters.Write.Length;
    PUCHAR data;
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
    for (i = 0; i < length; i++) {
        sum = (UCHAR)(sum + data[i]);
        data[i] ^= SCRAMBLE; /* in the caller's pages */
    }
    LastChecksum = sum;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the caller's data was changed above
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
