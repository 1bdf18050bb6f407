/**
 * DdiGuardedRegionClean: a driver keeps two counters that its APCs must not see half-updated; the
 * clean twin of DdiGuardedRegion: both counters are updated in one guarded region.
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
  ddi.mem.setU32(counters + 4, ddi.mem.u32(counters + 4) + 1);
  ddi.KeLeaveGuardedRegion();
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(counters, TAG);
}
