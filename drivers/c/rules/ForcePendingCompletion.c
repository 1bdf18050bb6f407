/*
 * ForcePendingCompletion: the upper device sends each request to the lower one with a completion
 * routine and returns what IoCallDriver returns; the completion routine lets completion go on
 * without `if (Irp->PendingReturned) IoMarkIrpPending(Irp);`. The lower device always completes at
 * once, so this runs clean until Force pending I/O (0x200) makes IoCallDriver pend.
 * `dv run drivers/c/rules/ForcePendingCompletion.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): with /flags 0x209bb | 0x200 (Force pending
 * I/O): 0xC9 / 0x228, Parameter 2 = Completion, 3 = the IRP, 4 = 0. Without 0x200: none.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\ForcePendingCompletion"
#include "IoRule.h"

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

IO_COMPLETION_ROUTINE Completion;
static LONG Completed;

NTSTATUS Completion(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{ // VIOLATION: PendingReturned, and not marked pending
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    Completed++;
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    DbgPrint("ForcePendingCompletion: irp=%p completion=%p\n", Irp, Completion);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, Completion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(Lower, Irp);
}
