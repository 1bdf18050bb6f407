/*
 * MultipleIrpCompleteClean: Control checks the request's input and completes the request once, at the
 * common exit.
 * `dv run drivers/c/rules/MultipleIrpCompleteClean.wasm --ioctl 0x222004` (the clean twin of MultipleIrpComplete).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\MultipleIrpCompleteClean"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("MultipleIrpCompleteClean: irp=%p\n", Irp);
    if (IoGetCurrentIrpStackLocation(Irp)->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        status = STATUS_BUFFER_TOO_SMALL;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
