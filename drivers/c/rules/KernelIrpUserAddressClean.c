/*
 * KernelIrpUserAddressClean: the clean twin of KernelIrpUserAddress. The worker fills a buffer of the
 * driver's own (nonpaged pool), and the handler copies it to the caller's buffer after probing it.
 *
 * Driver Verifier (Security checks): no stop.
 */
#include <ntddk.h>

#define IOCTL_RULE_FETCH CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_WORKER_FILL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\KernelIrpUserAddressClean");
static PDEVICE_OBJECT Device;
static PDEVICE_OBJECT Worker;

/* The worker's answer: bytes 0x00, 0x01, ... in the request's output buffer. */
static NTSTATUS Fill(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    PUCHAR out = (PUCHAR)Irp->UserBuffer;
    ULONG length = Sp->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG i;

    for (i = 0; i < length; i++) {
        out[i] = (UCHAR)i;
    }
    Irp->IoStatus.Information = length;
    return STATUS_SUCCESS;
}

/* Not inlined: the violating twin's stop blames Fetch by name. */
static DECLSPEC_NOINLINE NTSTATUS Fetch(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    ULONG length = Sp->Parameters.DeviceIoControl.OutputBufferLength;
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    PIRP request;
    PVOID buffer;
    NTSTATUS status;

    DbgPrint("KernelIrpUserAddress: output=%p\n", Irp->UserBuffer);
    if (length == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    buffer = ExAllocatePoolWithTag(NonPagedPoolNx, length, 'pIrK');
    if (buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    request = IoBuildDeviceIoControlRequest(IOCTL_WORKER_FILL, Worker, NULL, 0, buffer, length, FALSE, &event, &iosb);
    if (request == NULL) {
        ExFreePoolWithTag(buffer, 'pIrK');
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = IoCallDriver(Worker, request);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    if (NT_SUCCESS(status)) {
        __try {
            ProbeForWrite(Irp->UserBuffer, length, 1);
            RtlCopyMemory(Irp->UserBuffer, buffer, length);
            Irp->IoStatus.Information = length;
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            status = GetExceptionCode();
        }
    }
    ExFreePoolWithTag(buffer, 'pIrK');
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    Irp->IoStatus.Information = 0;
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        ULONG code = sp->Parameters.DeviceIoControl.IoControlCode;
        if (DeviceObject == Worker && code == IOCTL_WORKER_FILL) {
            status = Fill(Irp, sp);
        } else if (DeviceObject == Device && code == IOCTL_RULE_FETCH) {
            status = Fetch(Irp, sp);
        } else {
            status = STATUS_INVALID_DEVICE_REQUEST;
        }
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Worker);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(Device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    IoDeleteDevice(Worker);
    IoDeleteDevice(Device);
}
