/*
 * PowerSuccessCompleted: the function driver has nothing to do when the system changes power
 * state, so it completes IRP_MN_SET_POWER itself with STATUS_SUCCESS: the bus driver below never gets it.
 * `dv run drivers/c/rules/PowerSuccessCompleted.wasm --sleep`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x231, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = STATUS_SUCCESS.
 * The clean twin is PnpIrpsClean.c.
 */
#define PNP_RULE_OWN_POWER
#include "PnpRule.h"

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PoStartNextPowerIrp(Irp);
    if (IoGetCurrentIrpStackLocation(Irp)->MinorFunction == IRP_MN_SET_POWER) {
        DbgPrint("PowerSuccessCompleted: irp=%p\n", Irp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the set-power IRP never reaches the bus driver
        return STATUS_SUCCESS;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(LowerOf(DeviceObject), Irp);
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
