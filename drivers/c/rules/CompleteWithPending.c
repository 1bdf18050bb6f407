/*
 * CompleteWithPending: Control starts a transfer and completes the request with the status the
 * engine gave back; the engine is busy with its first transfer and says STATUS_PENDING, which
 * is not a final status.
 * `dv run drivers/c/rules/CompleteWithPending.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x06, Parameter 2 = STATUS_PENDING,
 * 3 = the IRP, 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteWithPending"
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
    DbgPrint("CompleteWithPending: irp=%p\n", Irp);
    status = StartTransfer();
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: STATUS_PENDING is not a final status
    return status;
}
