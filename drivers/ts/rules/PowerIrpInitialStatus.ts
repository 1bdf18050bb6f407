/**
 * PowerIrpInitialStatus: at IRP_MN_START_DEVICE the function driver asks its bus for the
 * device's power sequence with an IRP_MN_POWER_SEQUENCE IRP it builds, and sends it (PoCallDriver)
 * without starting it at STATUS_NOT_SUPPORTED.
 * `dv run drivers/ts/rules/PowerIrpInitialStatus.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20F, Parameter 2 = the call site of PoCallDriver,
 * 3 = the IRP, 4 = the status it carried (0).
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  DEVICE_OBJECT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  IRP_MN_POWER,
  KEVENT,
  POOL_TYPE,
  POWER_SEQUENCE,
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
  QueryPowerSequence(DeviceObject);
}

/** IRP_MN_POWER_SEQUENCE, the one power IRP a driver builds itself. */
function QueryPowerSequence(DeviceObject: number): void {
  const mem = ddi.mem;
  const lower = LowerOf(DeviceObject);
  const irp = ddi.IoAllocateIrp(mem.u8(lower + DEVICE_OBJECT.off.StackSize), 0);
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size + POWER_SEQUENCE.size, TAG);
  if (irp === 0 || block === 0) {
    if (irp !== 0) ddi.IoFreeIrp(irp);
    if (block !== 0) ddi.ExFreePoolWithTag(block, TAG);
    return;
  }
  const event = block;
  const sequence = block + KEVENT.size;
  for (let i = 0; i < POWER_SEQUENCE.size; i += 4) mem.setU32(sequence + i, 0);
  ddi.KeInitializeEvent(event, 0, 0);
  const sp = IoGetNextIrpStackLocation(mem, irp);
  mem.setU8(sp + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.POWER);
  mem.setU8(sp + IO_STACK_LOCATION.off.MinorFunction, IRP_MN_POWER.POWER_SEQUENCE);
  mem.setU32(sp + IO_STACK_LOCATION.off['Parameters.PowerSequence.PowerSequence'], sequence);
  IoSetCompletionRoutine(mem, irp, ddi.addressOf(SentIrpDone), event, true, true, true);
  ddi.DbgPrint(ddi.str('PowerIrpInitialStatus: irp=%p\n'), irp);
  if (ddi.PoCallDriver(lower, irp) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0); // VIOLATION: sent without STATUS_NOT_SUPPORTED
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
