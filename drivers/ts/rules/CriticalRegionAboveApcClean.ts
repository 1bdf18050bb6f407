/**
 * CriticalRegionAboveApcClean (C twin drivers/c/rules/CriticalRegionAboveApcClean.c): updating a shared table, the driver enters a critical region at
 * PASSIVE_LEVEL and then takes its spin lock (and leaves in the reverse order).
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');

let ddi: DriverApi;
/** The table lock, the OldIrql byte and the generation count (C: statics and a local). */
let table = 0;
const T = { Lock: 0, OldIrql: 4, Generation: 8, Size: 12 } as const;

function UpdateTable(): void {
  ddi.KeEnterCriticalRegion();
  ddi.KeAcquireSpinLock(table + T.Lock, table + T.OldIrql);
  ddi.mem.setU32(table + T.Generation, ddi.mem.u32(table + T.Generation) + 1);
  ddi.KeReleaseSpinLock(table + T.Lock, ddi.mem.u8(table + T.OldIrql));
  ddi.KeLeaveCriticalRegion();
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  table = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, T.Size, TAG);
  if (table === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(table + T.Generation, 0);
  ddi.KeInitializeSpinLock(table + T.Lock);
  UpdateTable();
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(table, TAG);
}
