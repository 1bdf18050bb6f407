/**
 * PnpIrpsClean: the clean twin of every I/O verification PnP and power sample (drivers/c/rules/PnpRule.h in C). At
 * IRP_MN_START_DEVICE it asks its stack for the device's capabilities and power sequence with IRPs it
 * builds, each started at STATUS_NOT_SUPPORTED; it fails IRP_MN_QUERY_PNP_DEVICE_STATE by completing
 * it; it passes every other PnP and power IRP down, and at IRP_MN_REMOVE_DEVICE passes the removal
 * down, detaches and deletes its device. `dv run drivers/ts/rules/PnpIrpsClean.ts --sleep`.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has: PnpRuleFrame.ts (drivers/c/rules/PnpRule.h in C).
 */
import {
  DEVICE_CAPABILITIES,
  DEVICE_OBJECT,
  IO_NO_INCREMENT,
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
  SetIoStatus,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { pnpRuleDriverEntry, LowerOf, PassDown, RemoveDevice, SentIrpDone, StartDevice, TAG, ddi } from './PnpRuleFrame.ts';

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  return pnpRuleDriverEntry(DriverObject, api, { DispatchPnp, OnStart });
}

/** The sample's work once its stack has started the hardware. */
function OnStart(DeviceObject: number): void {
  QueryCapabilities(DeviceObject);
  QueryPowerSequence(DeviceObject);
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
  // Whoever sends a PnP IRP starts it STATUS_NOT_SUPPORTED.
  SetIoStatus(mem, irp, STATUS.NOT_SUPPORTED, 0);
  const sp = IoGetNextIrpStackLocation(mem, irp);
  mem.setU8(sp + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.PNP);
  mem.setU8(sp + IO_STACK_LOCATION.off.MinorFunction, IRP_MN_PNP.QUERY_CAPABILITIES);
  mem.setU32(sp + IO_STACK_LOCATION.off['Parameters.DeviceCapabilities.Capabilities'], caps);
  IoSetCompletionRoutine(mem, irp, ddi.addressOf(SentIrpDone), event, true, true, true);
  if (ddi.IofCallDriver(lower, irp) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0);
  ddi.IoFreeIrp(irp);
  ddi.ExFreePoolWithTag(block, TAG);
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
  SetIoStatus(mem, irp, STATUS.NOT_SUPPORTED, 0);
  const sp = IoGetNextIrpStackLocation(mem, irp);
  mem.setU8(sp + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.POWER);
  mem.setU8(sp + IO_STACK_LOCATION.off.MinorFunction, IRP_MN_POWER.POWER_SEQUENCE);
  mem.setU32(sp + IO_STACK_LOCATION.off['Parameters.PowerSequence.PowerSequence'], sequence);
  IoSetCompletionRoutine(mem, irp, ddi.addressOf(SentIrpDone), event, true, true, true);
  if (ddi.PoCallDriver(lower, irp) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0);
  ddi.IoFreeIrp(irp);
  ddi.ExFreePoolWithTag(block, TAG);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.QUERY_PNP_DEVICE_STATE:
      // The driver cannot read its hardware's state yet: a failure is completed here, not passed down.
      SetIoStatus(ddi.mem, Irp, STATUS.DEVICE_NOT_READY, 0);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS.DEVICE_NOT_READY;
    case IRP_MN_PNP.REMOVE_DEVICE:
      return RemoveDevice(DeviceObject, Irp);
    default:
      return PassDown(DeviceObject, Irp);
  }
}
