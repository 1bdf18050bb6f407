/** MustSucceedAllocationClean: an ordinary nonpaged allocation, and DriverEntry fails cleanly if it cannot be had. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const STATE_SIZE = 0x40;

let ddi: DriverApi;
let state = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  state = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, STATE_SIZE, TAG);
  return state === 0 ? STATUS.INSUFFICIENT_RESOURCES : STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(state, TAG);
}
