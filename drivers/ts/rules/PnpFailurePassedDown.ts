/**
 * PnpFailurePassedDown: the function driver cannot read its hardware's state yet, so it fails
 * IRP_MN_QUERY_PNP_DEVICE_STATE with STATUS_DEVICE_NOT_READY, and then passes the failed IRP down
 * the stack instead of completing it.
 * `dv run drivers/ts/rules/PnpFailurePassedDown.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x215, Parameter 2 = the call site of IoCallDriver,
 * 3 = the IRP, 4 = STATUS_DEVICE_NOT_READY.
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  IO_STACK_LOCATION,
  IRP,
  IRP_MN_PNP,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, LowerOf, PassDown, RemoveDevice, StartDevice, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp });
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.QUERY_PNP_DEVICE_STATE:
      ddi.DbgPrint(ddi.str('PnpFailurePassedDown: irp=%p\n'), Irp);
      ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.DEVICE_NOT_READY);
      IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
      return ddi.IofCallDriver(LowerOf(DeviceObject), Irp); // VIOLATION: a failed PnP IRP goes down
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE:
      return RemoveDevice(DeviceObject, Irp);
    default:
      return PassDown(DeviceObject, Irp);
  }
}
