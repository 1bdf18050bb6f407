/*
 * PendingNotMarked: Control hands the request to a work item that completes it later and
 * returns STATUS_PENDING, without IoMarkIrpPending.
 * `dv run drivers/c/rules/PendingNotMarked.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x23D, Parameter 2 = Control (the
 * dispatch routine), 3 = the IRP, 4 = STATUS_PENDING. !analyze blames Control.
 */
#define IO_RULE_DEVICE L"\\Device\\PendingNotMarked"
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
{ // VIOLATION: returns STATUS_PENDING unmarked
    DbgPrint("PendingNotMarked: irp=%p control=%p\n", Irp, Control);
    Work = IoAllocateWorkItem(DeviceObject);
    if (Work == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    IoQueueWorkItem(Work, Finish, DelayedWorkQueue, Irp);
    return STATUS_PENDING;
}
