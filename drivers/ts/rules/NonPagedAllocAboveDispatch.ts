/**
 * NonPagedAllocAboveDispatch: the interrupt path (device IRQL 5) allocates a nonpaged buffer for
 * the data it received. No pool may be allocated above DISPATCH_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x02, Parameter 2 = the IRQL (5), 3 = the pool type (0x200,
 * NonPagedPoolNx), 4 = the size (0x80).
 */
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
  ddi.KeRaiseIrql(DEVICE_IRQL, context + CTX_OLD_IRQL);
  const old = ddi.mem.u8(context + CTX_OLD_IRQL);
  ServiceInterrupt();
  ddi.KeLowerIrql(old);
  return STATUS.SUCCESS;
}

function ServiceInterrupt(): void {
  const packet = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, PACKET_SIZE, TAG); // VIOLATION: above DISPATCH_LEVEL
  ddi.mem.setU32(context + CTX_PACKET, packet);
}

function DriverUnload(_DriverObject: number): void {
  const packet = ddi.mem.u32(context + CTX_PACKET);
  if (packet !== 0) ddi.ExFreePoolWithTag(packet, TAG);
  ddi.ExFreePoolWithTag(context, TAG);
}
