/*
 * FreeIrpInUseClean: Control queries the device with an IRP of its own; when the answer is pending
 * it cancels the query (IoCancelIrp): the device's cancel routine completes it as cancelled, and
 * the completion routine frees it.
 * `dv run drivers/c/rules/FreeIrpInUseClean.wasm --ioctl 0x222004` (the clean twin of FreeIrpInUse).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\FreeIrpInUseClean"
#include "IoRule.h"

IO_COMPLETION_ROUTINE Done;
/* The query the device holds until the hardware answers. */
static PIRP Held;

NTSTATUS Done(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

DRIVER_CANCEL CancelHeld;

VOID CancelHeld(_Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ _IRQL_uses_cancel_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Held = NULL;
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static NTSTATUS Hold(_Inout_ PIRP Irp)
{
    IoMarkIrpPending(Irp);
    Held = Irp;
    IoSetCancelRoutine(Irp, CancelHeld);
    return STATUS_PENDING;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIRP query;
    NTSTATUS status;

    if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_INTERNAL_DEVICE_CONTROL) {
        return Hold(Irp);
    }
    query = IoAllocateIrp(DeviceObject->StackSize, FALSE);
    if (query != NULL) {
        DbgPrint("FreeIrpInUseClean: irp=%p\n", query);
        IoGetNextIrpStackLocation(query)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
        IoSetCompletionRoutine(query, Done, NULL, TRUE, TRUE, TRUE);
        status = IoCallDriver(DeviceObject, query);
        if (status == STATUS_PENDING) {
            /* No answer yet: give up on the query. */
            IoCancelIrp(query);
        }
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
