/*
 * PoolUseAfterFreeKasan: IOCTL_RULE_SET_NAME (METHOD_BUFFERED) gives the driver a name to report at
 * unload. Instead of copying the name, the driver keeps a pointer to it in the request's system
 * buffer; the I/O manager frees that buffer when the request completes, and DriverUnload reads the
 * freed buffer.
 * `dv run drivers/c/rules/PoolUseAfterFreeKasan.wasm --ioctl 0x222004:52756c652d73616d706c6500`
 * sends "Rule-sample".
 *
 * The system buffer is the I/O manager's allocation (ordinary nonpaged pool: special pool takes only
 * the verified driver's own allocations), so Driver Verifier's options do not see the read. The
 * pool's redzones do: the freed block is poisoned (shadow 0xFD), and the read gets what Windows' KASAN
 * reports: 0x1F2, Parameter 1 = the address read (the buffer), 2 = 4 (the size), 3 = the address of
 * the reading instruction, 4 = 0xFD.
 */
#include <ntddk.h>

#define IOCTL_RULE_SET_NAME CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolUseAfterFreeKasan");
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

/* Not inlined: the verifier blames SetName by name (PoolUseAfterFreeKasan!SetName). */
static DECLSPEC_NOINLINE NTSTATUS SetName(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Sp)
{
    ULONG length;

    if (Sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RULE_SET_NAME) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    length = Sp->Parameters.DeviceIoControl.InputBufferLength;
    if (length < sizeof(ULONG)) {
        return STATUS_INVALID_PARAMETER;
    }
    /* The bug: the system buffer is the request's, and goes when it completes. */
    Name = Irp->AssociatedIrp.SystemBuffer;
    NameLength = length;
    DbgPrint("PoolUseAfterFreeKasan: name=%p\n", Name);
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
        DbgPrint("PoolUseAfterFreeKasan: unloading, name begins %08lx (%lu bytes)\n", *(ULONG UNALIGNED *)Name, NameLength); // VIOLATION: the request's buffer was freed
    }
    IoDeleteDevice(DriverObject->DeviceObject);
}
