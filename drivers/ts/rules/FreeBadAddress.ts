/**
 * FreeBadAddress: the device name is a UNICODE_STRING that sometimes owns a pool buffer and
 * sometimes points at a constant. The cleanup frees its Buffer either way: here the constant, an
 * address in the driver's image, not in any pool.
 *
 * Driver Verifier: 0xC4 / 0x16, Parameter 2 = 0 (reserved), 3 = the address freed, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, UNICODE_STRING, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');

let ddi: DriverApi;
let name = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, UNICODE_STRING.size, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\FreeBadAddress'));
  ddi.DbgPrint(ddi.str('FreeBadAddress: buffer=%p\n'), ddi.mem.u32(name + UNICODE_STRING.off.Buffer));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(ddi.mem.u32(name + UNICODE_STRING.off.Buffer), TAG); // VIOLATION: a constant, not pool
  ddi.ExFreePoolWithTag(name, TAG);
}
