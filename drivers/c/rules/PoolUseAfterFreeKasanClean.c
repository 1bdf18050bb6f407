/*
 * PoolUseAfterFreeKasanClean: the same name request; the driver copies the name into pool of its own
 * (freed at unload), so nothing refers to the request's buffer after it completes.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define IOCTL_RULE_SET_NAME CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolUseAfterFreeKasanClean");
static PCHAR Name;
static ULONG NameLength;

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

/* Not inlined, as in PoolUseAfterFreeKasan.c. */
static DECLSPEC_NOINLINE NTSTATUS SetName(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    ULONG length;
    PCHAR name;

    if (Sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RULE_SET_NAME) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    length = Sp->Parameters.DeviceIoControl.InputBufferLength;
    if (length < sizeof(ULONG)) {
        return STATUS_INVALID_PARAMETER;
    }
    name = ExAllocatePoolWithTag(NonPagedPoolNx, length, TAG);
    if (name == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(name, Irp->AssociatedIrp.SystemBuffer, length);
    if (Name != NULL) {
        ExFreePoolWithTag(Name, TAG);
    }
    Name = name;
    NameLength = length;
    return STATUS_SUCCESS;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    status = sp->MajorFunction == IRP_MJ_DEVICE_CONTROL ? SetName(Irp, sp) : STATUS_SUCCESS;
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    if (Name != NULL) {
        DbgPrint("PoolUseAfterFreeKasanClean: unloading, name begins %08lx (%lu bytes)\n", *(ULONG UNALIGNED *)Name, NameLength);
        ExFreePoolWithTag(Name, TAG);
    }
    IoDeleteDevice(DriverObject->DeviceObject);
}
