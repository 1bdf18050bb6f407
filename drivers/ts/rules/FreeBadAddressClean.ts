/** FreeBadAddressClean: the string remembers whether it owns its buffer; only an owned buffer is freed. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, UNICODE_STRING, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');

let ddi: DriverApi;
let name = 0;
let ownsBuffer = false;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, UNICODE_STRING.size, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\FreeBadAddress'));
  ownsBuffer = false;
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (ownsBuffer) ddi.ExFreePoolWithTag(ddi.mem.u32(name + UNICODE_STRING.off.Buffer), TAG);
  ddi.ExFreePoolWithTag(name, TAG);
}
