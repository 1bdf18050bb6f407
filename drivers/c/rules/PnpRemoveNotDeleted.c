/*
 * PnpRemoveNotDeleted: at IRP_MN_REMOVE_DEVICE the function driver passes the removal down
 * and detaches its device, but never deletes it (IoDeleteDevice).
 * `dv run drivers/c/rules/PnpRemoveNotDeleted.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x21E, Parameter 2 = DispatchPnp (the dispatch
 * routine), 3 = the IRP, 4 = the FDO. !analyze blames DispatchPnp.
 * The clean twin is PnpIrpsClean.c.
 */
#include "PnpRule.h"

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: returns from IRP_MN_REMOVE_DEVICE with its device not deleted
    PDEVICE_OBJECT lower = LowerOf(DeviceObject);
    NTSTATUS status;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        DbgPrint("PnpRemoveNotDeleted: irp=%p dispatch=%p\n", Irp, DispatchPnp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(DeviceObject, Irp);
        IoDetachDevice(lower);
        return status;
    default:
        return PassDown(DeviceObject, Irp);
    }
}
