/*
 * PendingNotMarkedClean: Control marks the request pending (IoMarkIrpPending), hands it to a work
 * item that completes it later, and returns STATUS_PENDING.
 * `dv run drivers/c/rules/PendingNotMarkedClean.wasm --ioctl 0x222004` (the clean twin of PendingNotMarked).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\PendingNotMarkedClean"
#include "IoRule.h"

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

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    DbgPrint("PendingNotMarkedClean: irp=%p control=%p\n", Irp, Control);
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
