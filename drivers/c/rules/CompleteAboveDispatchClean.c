/*
 * CompleteAboveDispatchClean: Control raises IRQL to the device's level to read its status register,
 * lowers it, and then completes the request.
 * `dv run drivers/c/rules/CompleteAboveDispatchClean.wasm --ioctl 0x222004` (the clean twin of CompleteAboveDispatch).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteAboveDispatchClean"
#include "IoRule.h"

#define DEVICE_IRQL 5

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("CompleteAboveDispatchClean: irp=%p\n", Irp);
    KeRaiseIrql(DEVICE_IRQL, &oldIrql);
    Irp->IoStatus.Status = STATUS_SUCCESS; /* the register said: ready */
    Irp->IoStatus.Information = 0;
    KeLowerIrql(oldIrql);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
