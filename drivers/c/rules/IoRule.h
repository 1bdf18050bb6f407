/*
 * IoRule.h: the frame the I/O verification samples share. DriverEntry creates the named device
 * IO_RULE_DEVICE, which requests open; with IO_RULE_STACK defined it also attaches an unnamed device
 * above it, so a request reaches the upper device first and Control can send it on to the lower one.
 * Create, close and cleanup complete at once; IRP_MJ_DEVICE_CONTROL and IRP_MJ_INTERNAL_DEVICE_CONTROL
 * go to the sample's Control routine, which is the dispatch routine the I/O manager calls.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH CompleteOther;
DRIVER_DISPATCH Control;

/* The named device; with IO_RULE_STACK, the device attached above it (NULL otherwise). */
static PDEVICE_OBJECT Lower;
static PDEVICE_OBJECT Upper;
static KSPIN_LOCK Lock;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeSpinLock(&Lock);
    RtlInitUnicodeString(&name, IO_RULE_DEVICE);
    status = IoCreateDevice(DriverObject, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &Lower);
    if (!NT_SUCCESS(status)) {
        return status;
    }
#ifdef IO_RULE_STACK
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &Upper);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(Lower);
        return status;
    }
    IoAttachDeviceToDeviceStack(Upper, Lower);
#endif
    DriverObject->MajorFunction[IRP_MJ_CREATE] = CompleteOther;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = CompleteOther;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = CompleteOther;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Control;
    DriverObject->MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = Control;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

NTSTATUS CompleteOther(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Upper != NULL) {
        IoDetachDevice(Lower);
        IoDeleteDevice(Upper);
    }
    IoDeleteDevice(Lower);
}
