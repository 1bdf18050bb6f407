/*
 * CompleteWithPendingClean: Control starts a transfer and, while the engine says STATUS_PENDING, starts
 * it again; it completes the request with the final status.
 * `dv run drivers/c/rules/CompleteWithPendingClean.wasm --ioctl 0x222004` (the clean twin of CompleteWithPending).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteWithPendingClean"
#include "IoRule.h"

/* Transfers started: the engine is busy with the first one. */
static LONG Transfers;

static NTSTATUS StartTransfer(VOID)
{
    return Transfers++ == 0 ? STATUS_PENDING : STATUS_SUCCESS;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("CompleteWithPendingClean: irp=%p\n", Irp);
    status = StartTransfer();
    while (status == STATUS_PENDING) {
        status = StartTransfer();
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
