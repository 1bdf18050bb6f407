/*
 * DoubleFree: IOCTL_RULE_SUBMIT copies the request into a working buffer. When the request is too
 * short, the error path frees the buffer, and then the common exit frees it again.
 * `dv run drivers/c/rules/DoubleFree.wasm --ioctl 0x222004:00` sends a 1-byte request.
 *
 * Driver Verifier: 0xC4 / 0x13, Parameter 2 = 0 (reserved), 3 = the pool header (under special
 * pool: the header at the start of the block's page), 4 = the header's first ULONG.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define REQUEST_HEADER 4
#define WORK_SIZE 0x40
#define IOCTL_RULE_SUBMIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DoubleFree");

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

/* Not inlined: the verifier blames Submit by name (DoubleFree!Submit). */
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
    DbgPrint("DoubleFree: work=%p\n", work);
    status = STATUS_SUCCESS;
    if (length < REQUEST_HEADER) {
        ExFreePoolWithTag(work, TAG);
        status = STATUS_INVALID_PARAMETER;
    } else {
        RtlCopyMemory(work, Irp->AssociatedIrp.SystemBuffer, min(length, WORK_SIZE));
    }
    ExFreePoolWithTag(work, TAG); // VIOLATION: the error path freed it already
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
