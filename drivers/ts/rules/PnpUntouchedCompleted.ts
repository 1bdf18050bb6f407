/**
 * PnpUntouchedCompleted: the function driver completes every PnP IRP it does not handle as it
 * came (STATUS_NOT_SUPPORTED) instead of passing it down; the first is IRP_MN_QUERY_CAPABILITIES, whose
 * answer the PDO below never gives.
 * `dv run drivers/ts/rules/PnpUntouchedCompleted.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x22F, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = 0.
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MN_PNP,
  IoGetCurrentIrpStackLocation,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, RemoveDevice, StartDevice, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp });
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE:
      return RemoveDevice(DeviceObject, Irp);
    default: {
      ddi.DbgPrint(ddi.str('PnpUntouchedCompleted: irp=%p\n'), Irp);
      const status = ddi.mem.u32(Irp + IRP.off['IoStatus.Status']);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: not ours, but not passed down
      return status;
    }
  }
}
