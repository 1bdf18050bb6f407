/*
 * FuzzMe: a driver with bugs planted behind nested conditions, for `dv fuzz` to find (test/fuzz/).
 * Each bug is a different stop, so each is its own crash bucket:
 *   IOCTL_FUZZ_COPY  (METHOD_BUFFERED) copies up to RECORD_SIZE bytes into a pool record; its length
 *                    check is off by one (<= where < was meant), so exactly RECORD_SIZE bytes write one
 *                    past the record: the memory checks stop it.
 *   IOCTL_FUZZ_MAGIC completes the request twice when the input starts with FUZZ_MAGIC and the next
 *                    ULONG is FUZZ_MAGIC_COMMAND.
 *   IOCTL_FUZZ_ARM   allocates the context FIRE works on; armed twice, it forgets the first (a leak at unload).
 *   IOCTL_FUZZ_FIRE  needs ARM first; with no input it disarms, and its error path (a partial ULONG of
 *                    input) frees the context twice.
 */
#include <ntddk.h>

#define TAG 'zzuF' /* shows as "Fuzz" */
#define IOCTL_FUZZ_COPY  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_FUZZ_MAGIC CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_FUZZ_ARM   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_FUZZ_FIRE  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define RECORD_SIZE 24
#define FUZZ_MAGIC 0xFEEDFACE
#define FUZZ_MAGIC_COMMAND 0x1234
#define CONTEXT_SIZE 32

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD FuzzUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH FuzzCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH FuzzDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\FuzzMe");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\FuzzMe");
static PUCHAR Context;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = FuzzCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = FuzzCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = FuzzDeviceControl;
    DriverObject->DriverUnload = FuzzUnload;
    return STATUS_SUCCESS;
}

VOID FuzzUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    if (Context != NULL) {
        ExFreePoolWithTag(Context, TAG);
        Context = NULL;
    }
    IoDeleteSymbolicLink(&LinkName);
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS FuzzCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* Planted: `<=` lets exactly RECORD_SIZE bytes through, and the terminator goes one past the record. */
static NTSTATUS CopyRecord(PUCHAR Input, ULONG Length)
{
    PUCHAR record;

    if (Length == 0 || !(Length <= RECORD_SIZE)) {
        return STATUS_INVALID_PARAMETER;
    }
    record = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, RECORD_SIZE, TAG);
    if (record == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(record, Input, Length - 1);
    record[Length] = 0;
    ExFreePoolWithTag(record, TAG);
    return STATUS_SUCCESS;
}

/* Planted: armed twice, the first context is lost. */
static NTSTATUS Arm(void)
{
    Context = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, CONTEXT_SIZE, TAG);
    return Context != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Planted: the short-input error path frees the context, then the common exit frees it again. */
static NTSTATUS Fire(PUCHAR Input, ULONG Length)
{
    NTSTATUS status = STATUS_SUCCESS;

    if (Context == NULL) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (Length == 0) {
        /* No input disarms: the context goes, as it should. */
        ExFreePoolWithTag(Context, TAG);
        Context = NULL;
        return STATUS_SUCCESS;
    }
    if (Length < sizeof(ULONG)) {
        ExFreePoolWithTag(Context, TAG);
        status = STATUS_BUFFER_TOO_SMALL;
        goto done;
    }
    RtlCopyMemory(Context, Input, sizeof(ULONG));
    return STATUS_SUCCESS;
done:
    ExFreePoolWithTag(Context, TAG);
    Context = NULL;
    return status;
}

NTSTATUS FuzzDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR buffer = (PUCHAR)Irp->AssociatedIrp.SystemBuffer;
    ULONG inLength = sp->Parameters.DeviceIoControl.InputBufferLength;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_FUZZ_COPY:
        status = CopyRecord(buffer, inLength);
        break;
    case IOCTL_FUZZ_MAGIC:
        status = STATUS_INVALID_PARAMETER;
        if (inLength >= 2 * sizeof(ULONG) && ((PULONG)buffer)[0] == FUZZ_MAGIC) {
            status = STATUS_SUCCESS;
            if (((PULONG)buffer)[1] == FUZZ_MAGIC_COMMAND) {
                /* Planted: completed here and again below. */
                Irp->IoStatus.Status = status;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
            }
        }
        break;
    case IOCTL_FUZZ_ARM:
        status = Arm();
        break;
    case IOCTL_FUZZ_FIRE:
        status = Fire(buffer, inLength);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
