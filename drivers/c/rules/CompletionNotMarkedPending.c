/*
 * CompletionNotMarkedPending: the upper device sends each request to the lower one with a completion
 * routine; the lower device finishes requests later (STATUS_PENDING, from a work item), and the
 * completion routine lets completion go on without the `if (Irp->PendingReturned)
 * IoMarkIrpPending(Irp);` that must then propagate the pending state.
 * `dv run drivers/c/rules/CompletionNotMarkedPending.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x228, Parameter 2 = Completion,
 * 3 = the IRP, 4 = 0. !analyze blames Completion.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CompletionNotMarkedPending"
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
{ // VIOLATION: PendingReturned, and not marked pending
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Irp);
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
    DbgPrint("CompletionNotMarkedPending: irp=%p completion=%p\n", Irp, Completion);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, Completion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(Lower, Irp);
}
