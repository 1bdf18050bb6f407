/*
 * CompleteWithCancelRoutine: Control queues the request as cancelable (IoSetCancelRoutine) to wait
 * for data, then finds the data already there and completes it at once, with its cancel routine
 * still set.
 * `dv run drivers/c/rules/CompleteWithCancelRoutine.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x07, Parameter 2 = the cancel
 * routine, 3 = the IRP, 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteWithCancelRoutine"
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
    DbgPrint("CompleteWithCancelRoutine: irp=%p cancel=%p\n", Irp, Cancel);
    IoSetCancelRoutine(Irp, Cancel);
    /* The data is already there: no need to wait. */
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: its cancel routine is still set
    return STATUS_SUCCESS;
}
