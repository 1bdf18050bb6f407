/*
 * PoolUseAfterFreeKasan: DriverEntry flushes its device with an IRP of its own (IoAllocateIrp, a
 * completion routine that keeps the IRP, IoCallDriver), frees the IRP when the call returns, and then
 * returns the status the freed IRP holds.
 *
 * The IRP is the I/O manager's allocation (ordinary nonpaged pool, not special pool), so Driver
 * Verifier's options do not see the read. The pool's redzones do: IoFreeIrp poisons the freed block
 * (shadow 0xFD), and the read gets what Windows' KASAN reports: 0x1F2, Parameter 1 = the address read
 * (the IRP + 0x18, IoStatus.Status), 2 = 4 (the size), 3 = the address of the reading instruction,
 * 4 = 0xFD.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;
IO_COMPLETION_ROUTINE FlushDone;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolUseAfterFreeKasan");

/* The IRP is the driver's own: it stays with the driver after completion. */
NTSTATUS FlushDone(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Not inlined: the verifier blames FlushDevice by name (PoolUseAfterFreeKasan!FlushDevice). */
static DECLSPEC_NOINLINE NTSTATUS FlushDevice(_In_ PDEVICE_OBJECT Device)
{
    PIRP irp;
    PIO_STACK_LOCATION next;

    irp = IoAllocateIrp(Device->StackSize, FALSE);
    if (irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("PoolUseAfterFreeKasan: irp=%p\n", irp);
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    IoSetCompletionRoutine(irp, FlushDone, NULL, TRUE, TRUE, TRUE);
    (VOID)IoCallDriver(Device, irp);
    IoFreeIrp(irp);
    return irp->IoStatus.Status; // VIOLATION: IoFreeIrp freed the IRP
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
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_FLUSH_BUFFERS] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    status = FlushDevice(device);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
    }
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
