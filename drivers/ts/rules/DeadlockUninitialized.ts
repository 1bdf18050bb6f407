/**
 * DeadlockUninitialized: the configuration block's fast mutex is used without ExInitializeFastMutex
 * (the block is zeroed pool). On Windows the acquisition waits on an event that is not one.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1002, Parameter 2 = the fast mutex, 3 and 4 = 0.
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
  ddi.DbgPrint(ddi.str('DeadlockUninitialized: mutex=%p\n'), context + CTX_MUTEX);
  LoadSettings();
  return STATUS.SUCCESS;
}

function LoadSettings(): void {
  ddi.ExAcquireFastMutex(context + CTX_MUTEX); // VIOLATION: never initialized with ExInitializeFastMutex
  ddi.mem.setU32(context + CTX_SETTING, 1);
  ddi.ExReleaseFastMutex(context + CTX_MUTEX);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
