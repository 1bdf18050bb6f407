/*
 * CompletionNotMarkedPendingClean: the same stack, with the completion routine marking the request pending when
 * Irp->PendingReturned is set.
 * `dv run drivers/c/rules/CompletionNotMarkedPendingClean.wasm --ioctl 0x222004` (the clean twin of CompletionNotMarkedPending).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CompletionNotMarkedPendingClean"
#include "IoRule.h"

IO_COMPLETION_ROUTINE Completion;
IO_WORKITEM_ROUTINE Finish;
static PIO_WORKITEM Work;

VOID Finish(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context)
{
    PIRP irp = (PIRP)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    IoFreeWorkItem(Work);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

NTSTATUS Completion(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}

/* The lower device finishes requests later, from a work item. */
static NTSTATUS Serve(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    Work = IoAllocateWorkItem(DeviceObject);
    if (Work == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(Work, Finish, DelayedWorkQueue, Irp);
    return STATUS_PENDING;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    if (DeviceObject == Lower) {
        return Serve(DeviceObject, Irp);
    }
    DbgPrint("CompletionNotMarkedPendingClean: irp=%p completion=%p\n", Irp, Completion);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, Completion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(Lower, Irp);
}
