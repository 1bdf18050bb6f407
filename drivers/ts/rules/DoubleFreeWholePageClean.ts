/** DoubleFreeWholePageClean: EndTransfer clears the pointer when it frees the buffer. */
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
  EndTransfer();
  return STATUS.SUCCESS;
}

function EndTransfer(): void {
  ddi.ExFreePoolWithTag(transfer, TAG);
  transfer = 0;
}

function DriverUnload(_DriverObject: number): void {
  if (transfer !== 0) ddi.ExFreePoolWithTag(transfer, TAG);
}
