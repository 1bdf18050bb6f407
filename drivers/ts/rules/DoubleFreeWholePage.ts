/**
 * DoubleFreeWholePage: a two-page transfer buffer is freed when a transfer ends, and again at unload
 * because the pointer was not cleared. A block this large takes whole pages and has no pool header.
 *
 * Driver Verifier: 0xC4 / 0x14, Parameter 2 = 0 (reserved), 3 = the block, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const TRANSFER_SIZE = 0x2000;

let ddi: DriverApi;
let transfer = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  transfer = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, TRANSFER_SIZE, TAG);
  if (transfer === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('DoubleFreeWholePage: transfer=%p\n'), transfer);
  EndTransfer();
  return STATUS.SUCCESS;
}

function EndTransfer(): void {
  ddi.ExFreePoolWithTag(transfer, TAG);
}

function DriverUnload(_DriverObject: number): void {
  if (transfer !== 0) ddi.ExFreePoolWithTag(transfer, TAG); // VIOLATION: freed already by EndTransfer
}
