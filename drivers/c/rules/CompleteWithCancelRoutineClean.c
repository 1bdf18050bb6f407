/*
 * CompleteWithCancelRoutineClean: Control queues the request as cancelable, finds the data already there,
 * takes the cancel routine back (IoSetCancelRoutine(Irp, NULL)) and completes it.
 * `dv run drivers/c/rules/CompleteWithCancelRoutineClean.wasm --ioctl 0x222004` (the clean twin of CompleteWithCancelRoutine).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteWithCancelRoutineClean"
#include "IoRule.h"

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
    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("CompleteWithCancelRoutineClean: irp=%p cancel=%p\n", Irp, Cancel);
    IoSetCancelRoutine(Irp, Cancel);
    /* The data is already there: no need to wait. */
    IoSetCancelRoutine(Irp, NULL);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
