/**
 * CriticalRegionLeaveAboveApc (C twin drivers/c/rules/CriticalRegionLeaveAboveApc.c): updating a shared table, the driver enters a critical region and takes
 * its spin lock, but leaves the region before releasing the lock: at DISPATCH_LEVEL.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x11B, Parameter 2 = the current IRQL (2),
 * 3-4 = 0.
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
  ddi.KeLeaveCriticalRegion(); // VIOLATION: still holding the spin lock
  ddi.KeReleaseSpinLock(table + T.Lock, ddi.mem.u8(table + T.OldIrql));
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
