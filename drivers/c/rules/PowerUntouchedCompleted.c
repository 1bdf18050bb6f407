/*
 * PowerUntouchedCompleted: the function driver completes every power IRP as it came
 * (STATUS_NOT_SUPPORTED) instead of passing it down; the first is the system's IRP_MN_QUERY_POWER
 * for a sleep, which the bus driver below never sees.
 * `dv run drivers/c/rules/PowerUntouchedCompleted.wasm --sleep`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x232, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = 0.
 * The clean twin is PnpIrpsClean.c.
 */
#define PNP_RULE_OWN_POWER
#include "PnpRule.h"

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status = Irp->IoStatus.Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    PoStartNextPowerIrp(Irp);
    DbgPrint("PowerUntouchedCompleted: irp=%p\n", Irp);
    IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: not ours, but not passed down
    return status;
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
