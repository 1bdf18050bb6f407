/**
 * SyncObjectInSessionMemory: a display driver keeps its per-device state, an event included, in a
 * block from EngAllocMem. That is session memory: the same address means other memory in another
 * Terminal Server session, and the kernel must reach a synchronization object from any of them.
 *
 * Driver Verifier: 0xC4 / 0xDF, Parameter 2 = the event, 3 = 0, 4 = 0.
 */
import { DRIVER_OBJECT, KEVENT, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const FL_ZERO_MEMORY = 0x1;
const FL_NONPAGED_MEMORY = 0x2;
const STATE_EVENT = 0;
const STATE_MODE = KEVENT.size;
const STATE_SIZE = KEVENT.size + 4;
const NotificationEvent = 0;

let ddi: DriverApi;
let state = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  state = ddi.EngAllocMem(FL_ZERO_MEMORY | FL_NONPAGED_MEMORY, STATE_SIZE, TAG);
  if (state === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('SyncObjectInSessionMemory: event=%p\n'), state + STATE_EVENT);
  ddi.KeInitializeEvent(state + STATE_EVENT, NotificationEvent, 0); // VIOLATION: an event in session memory
  ddi.mem.setU32(state + STATE_MODE, 1);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.EngFreeMem(state);
}
