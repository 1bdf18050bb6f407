/*
 * FuzzCompare: a bug behind magic values the driver computes at run time, so its code holds no constant
 * to read them from (the fuzzer's static dictionary cannot see them); only the comparisons' operands,
 * recorded as they run (`dv fuzz`'s value profile), reveal them (test/fuzz/ValueProfile.test.ts).
 *   IOCTL_CMP_UNLOCK (METHOD_BUFFERED): a ULONG key, Seeds[0] ^ Seeds[1], then a ULONGLONG tag built from
 *                    Seeds[2] and Seeds[3] (one 64-bit compare); past both, the request is completed twice.
 * The seeds are volatile: clang cannot fold them into constants.
 */
#include <ntddk.h>

#define IOCTL_CMP_UNLOCK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x810, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD CompareUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH CompareCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH CompareDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\FuzzCompare");
static volatile ULONG Seeds[4] = { 0x13579BDF, 0x2468ACE0, 0x0BADC0DE, 0x5EED1E55 };

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = CompareCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = CompareCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = CompareDeviceControl;
    DriverObject->DriverUnload = CompareUnload;
    return STATUS_SUCCESS;
}

VOID CompareUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS CompareCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS CompareDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR buffer = (PUCHAR)Irp->AssociatedIrp.SystemBuffer;
    ULONG inLength = sp->Parameters.DeviceIoControl.InputBufferLength;
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    ULONG key;
    ULONGLONG tag;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_CMP_UNLOCK) {
        status = STATUS_INVALID_PARAMETER;
        if (inLength >= sizeof(ULONG) + sizeof(ULONGLONG)) {
            RtlCopyMemory(&key, buffer, sizeof(key));
            RtlCopyMemory(&tag, buffer + sizeof(ULONG), sizeof(tag));
            if (key == (Seeds[0] ^ Seeds[1])) {
                status = STATUS_ACCESS_DENIED;
                if (tag == (((ULONGLONG)Seeds[2] << 32) | Seeds[3])) {
                    status = STATUS_SUCCESS;
                    /* Planted: completed here and again below. */
                    Irp->IoStatus.Status = status;
                    IoCompleteRequest(Irp, IO_NO_INCREMENT);
                }
            }
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
