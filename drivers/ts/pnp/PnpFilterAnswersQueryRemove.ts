/**
 * PnpFilterAnswersQueryRemove: the violating twin of PnpFilter (the TypeScript side of
 * PnpFilterAnswersQueryRemove.c). It is PnpFilter with one shortcut: having nothing to veto, it answers
 * IRP_MN_QUERY_REMOVE_DEVICE itself with success instead of passing it down, so the function driver
 * below never hears the device may go. Driver Verifier's I/O verification stops the completion:
 * 0xC9/0x22E (a PnP IRP completed with success by a driver that should have passed it down).
 * PnpFilter.ts is left untouched (the kd goldens pin its routines): the twin takes over IRP_MJ_PNP after
 * PnpFilter's DriverEntry and hands every other PnP IRP to PnpFilter's own dispatch routine.
 */
import { DRIVER_OBJECT, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, IRP_MN_PNP, STATUS, IoGetCurrentIrpStackLocation, SetIoStatus, type DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpFilterEntry } from './PnpFilter.ts';

let ddi: DriverApi;
/** PnpFilter's IRP_MJ_PNP routine, as its DriverEntry set it. */
let filterPnp: (DeviceObject: number, Irp: number) => unknown;

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const status = PnpFilterEntry(DriverObject, RegistryPath, api);
  const slot = DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.PNP;
  filterPnp = ddi.routine(ddi.mem.u32(slot));
  ddi.mem.setU32(slot, ddi.addressOf(DispatchPnpShortcut));
  return status;
}

function DispatchPnpShortcut(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  if (mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction) === IRP_MN_PNP.QUERY_REMOVE_DEVICE) {
    // The shortcut: "nothing to veto here", so the IRP never reaches the function driver.
    SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS.SUCCESS;
  }
  return filterPnp(DeviceObject, Irp) as number;
}
