/**
 * PnpSuccessCompleted: at IRP_MN_REMOVE_DEVICE the function driver detaches and deletes its
 * device and completes the removal itself with STATUS_SUCCESS: the PDO below never gets it.
 * `dv run drivers/ts/rules/PnpSuccessCompleted.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x22E, Parameter 2 = the call site of IoCompleteRequest,
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
  STATUS,
  IoGetCurrentIrpStackLocation,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, LowerOf, PassDown, StartDevice, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp });
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const lower = LowerOf(DeviceObject);
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE:
      ddi.DbgPrint(ddi.str('PnpSuccessCompleted: irp=%p\n'), Irp);
      ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the removal never reaches the PDO
      ddi.IoDetachDevice(lower);
      ddi.IoDeleteDevice(DeviceObject);
      return STATUS.SUCCESS;
    default:
      return PassDown(DeviceObject, Irp);
  }
}
