/**
 * PowerFailurePassedDown: the function driver refuses to let the system sleep while it is busy:
 * it fails IRP_MN_QUERY_POWER with STATUS_DEVICE_BUSY and then passes the failed IRP down (PoCallDriver)
 * instead of completing it.
 * `dv run drivers/ts/rules/PowerFailurePassedDown.ts --sleep`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x219, Parameter 2 = the call site of PoCallDriver,
 * 3 = the IRP, 4 = STATUS_DEVICE_BUSY.
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
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
  if (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction) === IRP_MN_POWER.QUERY_POWER) {
    ddi.DbgPrint(ddi.str('PowerFailurePassedDown: irp=%p\n'), Irp);
    // Busy: the system may not sleep now.
    ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.DEVICE_BUSY);
  }
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.PoCallDriver(LowerOf(DeviceObject), Irp); // VIOLATION: a failed QUERY_POWER goes down with the others
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
