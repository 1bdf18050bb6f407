/*
 * ReturnStatusMismatchClean: Control checks the request's input and returns the status it completed
 * the request with.
 * `dv run drivers/c/rules/ReturnStatusMismatchClean.wasm --ioctl 0x222004` (the clean twin of ReturnStatusMismatch).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\ReturnStatusMismatchClean"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("ReturnStatusMismatchClean: irp=%p control=%p\n", Irp, Control);
    if (sp->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        status = STATUS_BUFFER_TOO_SMALL;
        Irp->IoStatus.Status = status;
    } else {
        Irp->IoStatus.Status = status;
    }
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
