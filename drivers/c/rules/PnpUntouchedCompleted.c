/*
 * PnpUntouchedCompleted: the function driver completes every PnP IRP it does not handle as it
 * came (STATUS_NOT_SUPPORTED) instead of passing it down; the first is IRP_MN_QUERY_CAPABILITIES, whose
 * answer the PDO below never gives.
 * `dv run drivers/c/rules/PnpUntouchedCompleted.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x22F, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = 0.
 * The clean twin is PnpIrpsClean.c.
 */
#include "PnpRule.h"

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        return RemoveDevice(DeviceObject, Irp);
    default:
        DbgPrint("PnpUntouchedCompleted: irp=%p\n", Irp);
        status = Irp->IoStatus.Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: not ours, but not passed down
        return status;
    }
}
