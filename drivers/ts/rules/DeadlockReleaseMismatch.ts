/**
 * DeadlockReleaseMismatch: SaveSettings acquires the settings' fast mutex with ExAcquireFastMutex (which
 * raises to APC_LEVEL) and releases it with ExReleaseFastMutexUnsafe (which does not lower it back).
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1009, Parameter 2 = the fast mutex, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, FAST_MUTEX, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the fast mutex, then a setting. */
const CTX_MUTEX = 0;
const CTX_SETTING = FAST_MUTEX.size;
const CTX_SIZE = FAST_MUTEX.size + 4;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.ExInitializeFastMutex(context + CTX_MUTEX);
  ddi.DbgPrint(ddi.str('DeadlockReleaseMismatch: mutex=%p\n'), context + CTX_MUTEX);
  SaveSettings();
  return STATUS.SUCCESS;
}

function SaveSettings(): void {
  ddi.ExAcquireFastMutex(context + CTX_MUTEX);
  ddi.mem.setU32(context + CTX_SETTING, 1);
  ddi.ExReleaseFastMutexUnsafe(context + CTX_MUTEX); // VIOLATION: acquired with ExAcquireFastMutex
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
