/**
 * DdiGuardedRegion: a driver keeps two counters that its APCs must not see half-updated. Refresh()
 * enters a guarded region for each of its two counters and nests the second inside the first:
 * GuardedRegions wants each enter matched by a leave before the next enter.
 *
 * Driver Verifier (DDI compliance checking, /standard): 0xC4 / 0x4000E, Parameter 2 = the text of the
 * violated condition, 3 = the thread, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');

let ddi: DriverApi;
let counters = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  counters = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  if (counters === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(counters, 0);
  ddi.mem.setU32(counters + 4, 0);
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  Refresh();
  return STATUS.SUCCESS;
}

function Refresh(): void {
  ddi.KeEnterGuardedRegion();
  ddi.mem.setU32(counters, ddi.mem.u32(counters) + 1);
  ddi.KeEnterGuardedRegion(); // VIOLATION: a second enter before the first region was left
  ddi.mem.setU32(counters + 4, ddi.mem.u32(counters + 4) + 1);
  ddi.KeLeaveGuardedRegion();
  ddi.KeLeaveGuardedRegion();
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(counters, TAG);
}
