/*
 * CallDriverAboveDispatchClean: the upper device raises IRQL to the device's level, lowers it again, and then
 * sends the request down.
 * `dv run drivers/c/rules/CallDriverAboveDispatchClean.wasm --ioctl 0x222004` (the clean twin of CallDriverAboveDispatch).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverAboveDispatchClean"
#include "IoRule.h"

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

#define DEVICE_IRQL 5

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KIRQL oldIrql;
    NTSTATUS status;

    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    DbgPrint("CallDriverAboveDispatchClean: irp=%p\n", Irp);
    KeRaiseIrql(DEVICE_IRQL, &oldIrql);
    IoSkipCurrentIrpStackLocation(Irp);
    KeLowerIrql(oldIrql);
    status = IoCallDriver(Lower, Irp);
    return status;
}
