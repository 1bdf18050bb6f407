/*
 * ReturnStatusMismatch: Control checks the request's input; when it is too short it completes
 * the request with STATUS_BUFFER_TOO_SMALL, but returns its status variable, still
 * STATUS_SUCCESS.
 * `dv run drivers/c/rules/ReturnStatusMismatch.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x224, Parameter 2 = Control (the
 * dispatch routine), 3 = the IRP, 4 = STATUS_BUFFER_TOO_SMALL (the status completed). !analyze blames Control.
 */
#define IO_RULE_DEVICE L"\\Device\\ReturnStatusMismatch"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: returns a status it did not complete with
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("ReturnStatusMismatch: irp=%p control=%p\n", Irp, Control);
    if (sp->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        Irp->IoStatus.Status = STATUS_BUFFER_TOO_SMALL;
    } else {
        Irp->IoStatus.Status = status;
    }
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
