/*
 * DispatchLeftIrpClean: DispatchLeftIrp done right: a request whose input is too short is completed
 * with STATUS_BUFFER_TOO_SMALL, and that status returned.
 * `dv run drivers/c/rules/DispatchLeftIrpClean.wasm --ioctl 0x222004`.
 */
#define IO_RULE_DEVICE L"\\Device\\DispatchLeftIrpClean"
#include "IoRule.h"

#define REQUEST_HEADER 4

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("DispatchLeftIrpClean: irp=%p control=%p\n", Irp, Control);
    if (sp->Parameters.DeviceIoControl.InputBufferLength < REQUEST_HEADER) {
        status = STATUS_BUFFER_TOO_SMALL;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
