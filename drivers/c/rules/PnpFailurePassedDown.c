/*
 * PnpFailurePassedDown: the function driver cannot read its hardware's state yet, so it fails
 * IRP_MN_QUERY_PNP_DEVICE_STATE with STATUS_DEVICE_NOT_READY, and then passes the failed IRP down
 * the stack instead of completing it.
 * `dv run drivers/c/rules/PnpFailurePassedDown.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x215, Parameter 2 = the call site of IoCallDriver,
 * 3 = the IRP, 4 = STATUS_DEVICE_NOT_READY.
 * The clean twin is PnpIrpsClean.c.
 */
#include "PnpRule.h"

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_QUERY_PNP_DEVICE_STATE:
        DbgPrint("PnpFailurePassedDown: irp=%p\n", Irp);
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(LowerOf(DeviceObject), Irp); // VIOLATION: a failed PnP IRP goes down
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        return RemoveDevice(DeviceObject, Irp);
    default:
        return PassDown(DeviceObject, Irp);
    }
}
