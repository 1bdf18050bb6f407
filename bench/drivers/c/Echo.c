/*
 * Echo.sys in C, the twin of bench/drivers/Echo.ts for figure 2's C/wasm rows (built by the bench
 * with dv build into a temporary directory): IOCTL_ECHO (METHOD_BUFFERED) takes 64 bytes in and
 * gives 64 bytes out (each input ULONG inverted, in the system buffer), Information = 64. Create and
 * close succeed. No pool of its own: what a request costs is the I/O path, with or without the
 * verifier.
 */
#include <ntddk.h>

/* CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x222404 */
#define IOCTL_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define ECHO_BYTES 64

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD EchoUnload;
DRIVER_DISPATCH EchoDispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\Echo");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        DriverObject->MajorFunction[i] = EchoDispatch;
    }
    DriverObject->DriverUnload = EchoUnload;
    return STATUS_SUCCESS;
}

VOID EchoUnload(_In_ PDRIVER_OBJECT DriverObject)
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

NTSTATUS EchoDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PULONG buffer;
    ULONG i;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction != IRP_MJ_DEVICE_CONTROL) {
        return Complete(Irp, STATUS_SUCCESS, 0);
    }
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_ECHO) {
        return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    if (sp->Parameters.DeviceIoControl.InputBufferLength < ECHO_BYTES ||
        sp->Parameters.DeviceIoControl.OutputBufferLength < ECHO_BYTES) {
        return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }
    buffer = (PULONG)Irp->AssociatedIrp.SystemBuffer;
    for (i = 0; i < ECHO_BYTES / sizeof(ULONG); i++) {
        buffer[i] = ~buffer[i];
    }
    return Complete(Irp, STATUS_SUCCESS, ECHO_BYTES);
}
