/*
 * CallDriverBadDeviceClean: the upper device passes requests down to the lower device.
 * `dv run drivers/c/rules/CallDriverBadDeviceClean.wasm --ioctl 0x222004` (the clean twin of CallDriverBadDevice).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverBadDeviceClean"
#include "IoRule.h"

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    DbgPrint("CallDriverBadDeviceClean: driver=%p\n", DeviceObject->DriverObject);
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}
