/*
 * PoolOverrunKasan: IOCTL_RULE_GET_LABEL (METHOD_BUFFERED) answers with the device's label as a
 * NUL-terminated string. The driver copies as much of the label as the output buffer holds and then
 * writes the terminator after it: one byte past the system buffer when the label fills it.
 * `dv run drivers/c/rules/PoolOverrunKasan.wasm --ioctl 0x222004::0x10` asks with a 16-byte buffer.
 *
 * The system buffer is the I/O manager's allocation (ordinary nonpaged pool, not special pool), so
 * Driver Verifier's options do not see the write. The pool's redzones do: the byte after the block is
 * poisoned, and the write gets what Windows' KASAN reports: 0x1F2, Parameter 1 = the address written
 * (the buffer + 0x10), 2 = 1 (the size), 3 = the address of the writing instruction, 4 = the shadow
 * code of that byte.
 */
#include <ntddk.h>

#define IOCTL_RULE_GET_LABEL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolOverrunKasan");
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

/* Not inlined: the verifier blames GetLabel by name (PoolOverrunKasan!GetLabel). */
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
    DbgPrint("PoolOverrunKasan: buffer=%p\n", buffer);
    copied = min(length, (ULONG)(sizeof(Label) - 1));
    RtlCopyMemory(buffer, Label, copied);
    buffer[copied] = '\0'; // VIOLATION: one byte past the buffer when the label fills it
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
