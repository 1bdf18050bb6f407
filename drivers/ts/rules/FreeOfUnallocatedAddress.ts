/**
 * FreeOfUnallocatedAddress: a message buffer starts with an 8-byte header; the driver keeps a
 * pointer to the payload and frees that pointer, not the address the allocation returned.
 *
 * Driver Verifier: 0xC4 / 0x10, Parameter 2 = the address freed (the block + 8), 3 = 0, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const HEADER_SIZE = 8;
const MESSAGE_SIZE = 0x48;

let ddi: DriverApi;
let payload = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const message = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, MESSAGE_SIZE, TAG);
  if (message === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('FreeOfUnallocatedAddress: message=%p\n'), message);
  ddi.mem.setU32(message, MESSAGE_SIZE - HEADER_SIZE);
  payload = message + HEADER_SIZE;
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(payload, TAG); // VIOLATION: the payload, not the block
}
