/**
 * SyncObjectInSessionMemoryClean: the per-device data stays in session memory, but the event lives
 * in nonpaged pool (global system space), where every session sees the same object.
 */
import { DRIVER_OBJECT, KEVENT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const FL_ZERO_MEMORY = 0x1;
const FL_NONPAGED_MEMORY = 0x2;
const STATE_MODE = 0;
const STATE_SIZE = 4;
const NotificationEvent = 0;

let ddi: DriverApi;
let state = 0;
let event = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  state = ddi.EngAllocMem(FL_ZERO_MEMORY | FL_NONPAGED_MEMORY, STATE_SIZE, TAG);
  event = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size, TAG);
  if (state === 0 || event === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeEvent(event, NotificationEvent, 0);
  ddi.mem.setU32(state + STATE_MODE, 1);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(event, TAG);
  ddi.EngFreeMem(state);
}
