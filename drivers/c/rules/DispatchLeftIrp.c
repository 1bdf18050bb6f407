/*
 * DispatchLeftIrp: Control checks the request's input; when it is too short it returns
 * STATUS_BUFFER_TOO_SMALL at once, forgetting to complete the request on that path: nobody ever will.
 * `dv run drivers/c/rules/DispatchLeftIrp.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x226, Parameter 2 = Control (the
 * dispatch routine), 3 = the IRP, 4 = STATUS_BUFFER_TOO_SMALL (the status returned). !analyze blames Control.
 */
#define IO_RULE_DEVICE L"\\Device\\DispatchLeftIrp"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: returns without completing the request
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("DispatchLeftIrp: irp=%p control=%p\n", Irp, Control);
    if (sp->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
