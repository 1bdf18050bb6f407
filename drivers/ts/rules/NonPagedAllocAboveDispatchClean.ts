/** NonPagedAllocAboveDispatchClean: the packet buffer is allocated ahead of time, at PASSIVE_LEVEL; the interrupt path only fills it. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const DEVICE_IRQL = 5;
const PACKET_SIZE = 0x80;
const CTX_OLD_IRQL = 0;
const CTX_PACKET = 4;
const CTX_SIZE = 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.mem.setU32(context + CTX_PACKET, ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, PACKET_SIZE, TAG));
  ddi.KeRaiseIrql(DEVICE_IRQL, context + CTX_OLD_IRQL);
  const old = ddi.mem.u8(context + CTX_OLD_IRQL);
  ServiceInterrupt();
  ddi.KeLowerIrql(old);
  return STATUS.SUCCESS;
}

function ServiceInterrupt(): void {
  const packet = ddi.mem.u32(context + CTX_PACKET);
  if (packet !== 0) ddi.mem.setU32(packet, 0x1234);
}

function DriverUnload(_DriverObject: number): void {
  const packet = ddi.mem.u32(context + CTX_PACKET);
  if (packet !== 0) ddi.ExFreePoolWithTag(packet, TAG);
  ddi.ExFreePoolWithTag(context, TAG);
}
