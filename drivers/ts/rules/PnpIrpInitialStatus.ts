/**
 * PnpIrpInitialStatus: at IRP_MN_START_DEVICE the function driver asks its stack for the
 * device's capabilities with an IRP_MN_QUERY_CAPABILITIES IRP it builds, and sends it without starting
 * it at STATUS_NOT_SUPPORTED.
 * `dv run drivers/ts/rules/PnpIrpInitialStatus.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20E, Parameter 2 = the call site of IoCallDriver,
 * 3 = the IRP, 4 = the status it carried (0).
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  DEVICE_CAPABILITIES,
  DEVICE_OBJECT,
  IO_STACK_LOCATION,
  IRP_MJ,
  IRP_MN_PNP,
  KEVENT,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoGetNextIrpStackLocation,
  IoSetCompletionRoutine,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, LowerOf, PassDown, RemoveDevice, SentIrpDone, StartDevice, TAG, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp, OnStart });
}

/** The sample's work once its stack has started the hardware. */
function OnStart(DeviceObject: number): void {
  QueryCapabilities(DeviceObject);
}

/** IRP_MN_QUERY_CAPABILITIES, built, sent to the device below and waited for. */
function QueryCapabilities(DeviceObject: number): void {
  const mem = ddi.mem;
  const lower = LowerOf(DeviceObject);
  const irp = ddi.IoAllocateIrp(mem.u8(lower + DEVICE_OBJECT.off.StackSize), 0);
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size + DEVICE_CAPABILITIES.size, TAG);
  if (irp === 0 || block === 0) {
    if (irp !== 0) ddi.IoFreeIrp(irp);
    if (block !== 0) ddi.ExFreePoolWithTag(block, TAG);
    return;
  }
  const event = block;
  const caps = block + KEVENT.size;
  const C = DEVICE_CAPABILITIES.off;
  for (let i = 0; i < DEVICE_CAPABILITIES.size; i += 4) mem.setU32(caps + i, 0);
  mem.setU16(caps + C.Size, DEVICE_CAPABILITIES.size);
  mem.setU16(caps + C.Version, 1);
  mem.setU32(caps + C.Address, 0xffffffff);
  mem.setU32(caps + C.UINumber, 0xffffffff);
  ddi.KeInitializeEvent(event, 0, 0);
  const sp = IoGetNextIrpStackLocation(mem, irp);
  mem.setU8(sp + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.PNP);
  mem.setU8(sp + IO_STACK_LOCATION.off.MinorFunction, IRP_MN_PNP.QUERY_CAPABILITIES);
  mem.setU32(sp + IO_STACK_LOCATION.off['Parameters.DeviceCapabilities.Capabilities'], caps);
  IoSetCompletionRoutine(mem, irp, ddi.addressOf(SentIrpDone), event, true, true, true);
  ddi.DbgPrint(ddi.str('PnpIrpInitialStatus: irp=%p\n'), irp);
  // Wrong: IoAllocateIrp leaves IoStatus.Status 0 (STATUS_SUCCESS); nobody answering would look like success.
  if (ddi.IofCallDriver(lower, irp) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0); // VIOLATION: sent without STATUS_NOT_SUPPORTED
  ddi.IoFreeIrp(irp);
  ddi.ExFreePoolWithTag(block, TAG);
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
