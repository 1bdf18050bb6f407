/*
 * PowerFailurePassedDown: the function driver refuses to let the system sleep while it is busy:
 * it fails IRP_MN_QUERY_POWER with STATUS_DEVICE_BUSY and then passes the failed IRP down (PoCallDriver)
 * instead of completing it.
 * `dv run drivers/c/rules/PowerFailurePassedDown.wasm --sleep`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x219, Parameter 2 = the call site of PoCallDriver,
 * 3 = the IRP, 4 = STATUS_DEVICE_BUSY.
 * The clean twin is PnpIrpsClean.c.
 */
#define PNP_RULE_OWN_POWER
#include "PnpRule.h"

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PoStartNextPowerIrp(Irp);
    if (IoGetCurrentIrpStackLocation(Irp)->MinorFunction == IRP_MN_QUERY_POWER) {
        DbgPrint("PowerFailurePassedDown: irp=%p\n", Irp);
        /* Busy: the system may not sleep now. */
        Irp->IoStatus.Status = STATUS_DEVICE_BUSY;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(LowerOf(DeviceObject), Irp); // VIOLATION: a failed QUERY_POWER goes down with the others
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        return RemoveDevice(DeviceObject, Irp);
    default:
        return PassDown(DeviceObject, Irp);
    }
}
