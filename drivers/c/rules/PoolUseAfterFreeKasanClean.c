/*
 * PoolUseAfterFreeKasanClean: the same flush with the driver's own IRP; the status is read from the
 * IRP before IoFreeIrp.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;
IO_COMPLETION_ROUTINE FlushDone;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolUseAfterFreeKasanClean");

/* The IRP is the driver's own: it stays with the driver after completion. */
NTSTATUS FlushDone(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Not inlined, as in PoolUseAfterFreeKasan.c. */
static DECLSPEC_NOINLINE NTSTATUS FlushDevice(_In_ PDEVICE_OBJECT Device)
{
    PIRP irp;
    PIO_STACK_LOCATION next;
    NTSTATUS status;

    irp = IoAllocateIrp(Device->StackSize, FALSE);
    if (irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    IoSetCompletionRoutine(irp, FlushDone, NULL, TRUE, TRUE, TRUE);
    (VOID)IoCallDriver(Device, irp);
    status = irp->IoStatus.Status;
    IoFreeIrp(irp);
    return status;
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
