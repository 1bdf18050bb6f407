/*
 * MarkedNotPending: Control marks the request pending first, in case it has to wait; it
 * then finds it can finish at once, completes it and returns STATUS_SUCCESS.
 * `dv run drivers/c/rules/MarkedNotPending.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x23E, Parameter 2 = Control (the
 * dispatch routine), 3 = the IRP, 4 = the status returned (STATUS_SUCCESS). !analyze blames Control.
 */
#define IO_RULE_DEVICE L"\\Device\\MarkedNotPending"
#include "IoRule.h"

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: marked pending, returns STATUS_SUCCESS
    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("MarkedNotPending: irp=%p control=%p\n", Irp, Control);
    IoMarkIrpPending(Irp);
    /* Nothing to wait for after all. */
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
