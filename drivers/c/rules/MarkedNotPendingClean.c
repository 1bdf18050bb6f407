/*
 * MarkedNotPendingClean: Control marks the request pending first, finds it can finish at once,
 * completes it and returns STATUS_PENDING, as a request marked pending must.
 * `dv run drivers/c/rules/MarkedNotPendingClean.wasm --ioctl 0x222004` (the clean twin of MarkedNotPending).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\MarkedNotPendingClean"
#include "IoRule.h"

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("MarkedNotPendingClean: irp=%p control=%p\n", Irp, Control);
    IoMarkIrpPending(Irp);
    /* Nothing to wait for after all. */
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_PENDING;
}
