/**
 * SpecialPoolOverrunClean: the same channel table, filled while i < count: every write stays inside
 * the pool block.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CHANNELS = 8;

let ddi: DriverApi;
let channels = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return LoadChannels(CHANNELS);
}

function LoadChannels(count: number): number {
  channels = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, count * 4, TAG);
  if (channels === 0) return STATUS.INSUFFICIENT_RESOURCES;
  for (let i = 0; i < count; i++) {
    ddi.mem.setU32(channels + 4 * i, 0x100 + i);
  }
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(channels, TAG);
}
