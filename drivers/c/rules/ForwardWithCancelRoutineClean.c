/*
 * ForwardWithCancelRoutineClean: the upper device queues a request as cancelable, takes the cancel routine back
 * (IoSetCancelRoutine(Irp, NULL)) and then passes it down.
 * `dv run drivers/c/rules/ForwardWithCancelRoutineClean.wasm --ioctl 0x222004` (the clean twin of ForwardWithCancelRoutine).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\ForwardWithCancelRoutineClean"
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
    DbgPrint("ForwardWithCancelRoutineClean: irp=%p cancel=%p\n", Irp, Cancel);
    IoSetCancelRoutine(Irp, Cancel);
    /* Not one this device queues after all: the lower device serves it. */
    IoSetCancelRoutine(Irp, NULL);
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}
