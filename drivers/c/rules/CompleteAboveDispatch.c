/*
 * CompleteAboveDispatch: Control raises IRQL to the device's level (DIRQL 5) to read its status
 * register without the interrupt in between, and completes the request before lowering it.
 * `dv run drivers/c/rules/CompleteAboveDispatch.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x0E, Parameter 2 = the current
 * IRQL (5), 3 = the IRP, 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\CompleteAboveDispatch"
#include "IoRule.h"

#define DEVICE_IRQL 5

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(DeviceObject);
    DbgPrint("CompleteAboveDispatch: irp=%p\n", Irp);
    KeRaiseIrql(DEVICE_IRQL, &oldIrql);
    Irp->IoStatus.Status = STATUS_SUCCESS; /* the register said: ready */
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: still at DIRQL
    KeLowerIrql(oldIrql);
    return STATUS_SUCCESS;
}
