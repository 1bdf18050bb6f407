/*
 * CallDriverBadDevice: the upper device passes requests down, but gives IoCallDriver its driver
 * object where the lower device belongs.
 * `dv run drivers/c/rules/CallDriverBadDevice.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x04, Parameter 2 = what was passed
 * as the device (the driver object), 3 and 4 = 0.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverBadDevice"
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
    DbgPrint("CallDriverBadDevice: driver=%p\n", DeviceObject->DriverObject);
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver((PDEVICE_OBJECT)DeviceObject->DriverObject, Irp); // VIOLATION: the driver object, not the lower device
}
