/*
 * CallDriverAboveDispatch: the upper device raises IRQL to the device's level (DIRQL 5) to stay in
 * step with its interrupt, and sends the request down to the lower device while still there.
 * `dv run drivers/c/rules/CallDriverAboveDispatch.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x10, Parameter 2 = the current IRQL
 * (5), 3 and 4 = 0 (reserved).
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverAboveDispatch"
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
    DbgPrint("CallDriverAboveDispatch: irp=%p\n", Irp);
    KeRaiseIrql(DEVICE_IRQL, &oldIrql);
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(Lower, Irp); // VIOLATION: at DIRQL
    KeLowerIrql(oldIrql);
    return status;
}
