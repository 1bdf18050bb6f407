/*
 * ForwardWithCancelRoutine: the upper device queues a request as cancelable (IoSetCancelRoutine), then
 * decides the lower device should serve it and passes it down with its cancel routine still set.
 * `dv run drivers/c/rules/ForwardWithCancelRoutine.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x203, Parameter 2 = the call site of
 * IoCallDriver, 3 = the IRP, 4 = the cancel routine.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\ForwardWithCancelRoutine"
#include "IoRule.h"

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

DRIVER_CANCEL Cancel;

VOID Cancel(_Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ _IRQL_uses_cancel_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    DbgPrint("ForwardWithCancelRoutine: irp=%p cancel=%p\n", Irp, Cancel);
    IoSetCancelRoutine(Irp, Cancel);
    /* Not one this device queues after all: the lower device serves it. */
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp); // VIOLATION: its cancel routine is still set
}
