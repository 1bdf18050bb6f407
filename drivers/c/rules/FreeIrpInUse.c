/*
 * FreeIrpInUse: Control queries the device with an IRP of its own (IRP_MJ_INTERNAL_DEVICE_CONTROL,
 * which the device holds until the hardware answers); when the answer is pending it gives up and
 * frees the query IRP, which the device still holds.
 * `dv run drivers/c/rules/FreeIrpInUse.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20B, Parameter 2 = the call site of
 * IoFreeIrp, 3 = the IRP, 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\FreeIrpInUse"
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
        DbgPrint("FreeIrpInUse: irp=%p\n", query);
        IoGetNextIrpStackLocation(query)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
        IoSetCompletionRoutine(query, Done, NULL, TRUE, TRUE, TRUE);
        status = IoCallDriver(DeviceObject, query);
        if (status == STATUS_PENDING) {
            /* No answer yet: give up on the query. */
            IoFreeIrp(query); // VIOLATION: the device still holds it
        }
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
