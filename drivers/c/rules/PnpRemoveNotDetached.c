/*
 * PnpRemoveNotDetached: at IRP_MN_REMOVE_DEVICE the function driver passes the removal down
 * and deletes its device, but never detaches it from the PDO (IoDetachDevice).
 * `dv run drivers/c/rules/PnpRemoveNotDetached.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x21D, Parameter 2 = DispatchPnp (the dispatch
 * routine), 3 = the IRP, 4 = the FDO. !analyze blames DispatchPnp.
 * The clean twin is PnpIrpsClean.c.
 */
#include "PnpRule.h"

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: returns from IRP_MN_REMOVE_DEVICE still attached
    NTSTATUS status;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        DbgPrint("PnpRemoveNotDetached: irp=%p dispatch=%p\n", Irp, DispatchPnp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(DeviceObject, Irp);
        IoDeleteDevice(DeviceObject);
        return status;
    default:
        return PassDown(DeviceObject, Irp);
    }
}
