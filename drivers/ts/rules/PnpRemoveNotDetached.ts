/**
 * PnpRemoveNotDetached: at IRP_MN_REMOVE_DEVICE the function driver passes the removal down
 * and deletes its device, but never detaches it from the PDO (IoDetachDevice).
 * `dv run drivers/ts/rules/PnpRemoveNotDetached.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x21D, Parameter 2 = DispatchPnp (the dispatch
 * routine), 3 = the IRP, 4 = the FDO. !analyze blames DispatchPnp.
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
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, PassDown, StartDevice, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp });
}

function DispatchPnp(DeviceObject: number, Irp: number): number { // VIOLATION: returns from IRP_MN_REMOVE_DEVICE still attached
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE: {
      ddi.DbgPrint(ddi.str('PnpRemoveNotDetached: irp=%p dispatch=%p\n'), Irp, ddi.addressOf(DispatchPnp));
      ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
      const status = PassDown(DeviceObject, Irp);
      ddi.IoDeleteDevice(DeviceObject);
      return status;
    }
    default:
      return PassDown(DeviceObject, Irp);
  }
}
