/**
 * PowerSuccessCompleted: the function driver has nothing to do when the system changes power
 * state, so it completes IRP_MN_SET_POWER itself with STATUS_SUCCESS: the bus driver below never gets it.
 * `dv run drivers/ts/rules/PowerSuccessCompleted.ts --sleep`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x231, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = STATUS_SUCCESS.
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MN_PNP,
  IRP_MN_POWER,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, LowerOf, PassDown, RemoveDevice, StartDevice, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp, DispatchPower });
}

function DispatchPower(DeviceObject: number, Irp: number): number {
  ddi.PoStartNextPowerIrp(Irp);
  if (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction) === IRP_MN_POWER.SET_POWER) {
    ddi.DbgPrint(ddi.str('PowerSuccessCompleted: irp=%p\n'), Irp);
    ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the set-power IRP never reaches the bus driver
    return STATUS.SUCCESS;
  }
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.PoCallDriver(LowerOf(DeviceObject), Irp);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE:
      return RemoveDevice(DeviceObject, Irp);
    default:
      return PassDown(DeviceObject, Irp);
  }
}
