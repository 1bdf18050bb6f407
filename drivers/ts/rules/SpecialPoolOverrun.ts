/**
 * SpecialPoolOverrun: DriverEntry builds a table of channel numbers, one ULONG per channel. The fill
 * loop runs while i <= count and writes one entry past the end of the pool block.
 *
 * Driver Verifier (special pool): 0xD6, Parameter 1 = the address written (the block + 0x20), 2 = 1
 * (a write), 3 = the address of the writing instruction, 4 = 0. Special pool puts the block at the
 * end of a page, so the first byte past it is in the guard page that follows.
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
  ddi.DbgPrint(ddi.str('SpecialPoolOverrun: channels=%p\n'), channels);
  for (let i = 0; i <= count; i++) {
    ddi.mem.setU32(channels + 4 * i, 0x100 + i); // VIOLATION: i === count is one entry past the end
  }
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(channels, TAG);
}
