/*
 * MultipleIrpComplete: Control checks the request's input; when it is too short the error path
 * completes the request, and then the common exit completes it again.
 * `dv run drivers/c/rules/MultipleIrpComplete.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): none of its own: the I/O manager raises 0x44
 * MULTIPLE_IRP_COMPLETE_REQUESTS, Parameter 1 = the IRP, 2-4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\MultipleIrpComplete"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("MultipleIrpComplete: irp=%p\n", Irp);
    if (IoGetCurrentIrpStackLocation(Irp)->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        status = STATUS_BUFFER_TOO_SMALL;
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the error path completed it already
    return status;
}
