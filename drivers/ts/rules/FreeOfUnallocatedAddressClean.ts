/** FreeOfUnallocatedAddressClean: the driver keeps the block's address and frees that. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const HEADER_SIZE = 8;
const MESSAGE_SIZE = 0x48;

let ddi: DriverApi;
let message = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  message = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, MESSAGE_SIZE, TAG);
  if (message === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(message, MESSAGE_SIZE - HEADER_SIZE);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(message, TAG);
}
