/**
 * FastMutexAcquireAboveApc: the configuration is guarded by a fast mutex, the statistics by a spin
 * lock. Refresh() takes the fast mutex while it still holds the spin lock, at DISPATCH_LEVEL; a
 * fast mutex may be acquired at APC_LEVEL at most (acquiring it can wait).
 *
 * Driver Verifier: 0xC4 / 0x33, Parameter 2 = the IRQL (2), 3 = the fast mutex, 4 = 0.
 */
import { DRIVER_OBJECT, FAST_MUTEX, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_MUTEX = 0;
const CTX_LOCK = FAST_MUTEX.size;
const CTX_OLD_IRQL = CTX_LOCK + 4;
const CTX_CONFIG = CTX_LOCK + 8;
const CTX_STATS = CTX_LOCK + 12;
const CTX_SIZE = CTX_LOCK + 16;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.ExInitializeFastMutex(context + CTX_MUTEX);
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('FastMutexAcquireAboveApc: mutex=%p\n'), context + CTX_MUTEX);
  Refresh();
  return STATUS.SUCCESS;
}

function Refresh(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_STATS, ddi.mem.u32(context + CTX_STATS) + 1);
  ddi.ExAcquireFastMutex(context + CTX_MUTEX); // VIOLATION: at DISPATCH_LEVEL, under the spin lock
  ddi.mem.setU32(context + CTX_CONFIG, 1);
  ddi.ExReleaseFastMutex(context + CTX_MUTEX);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
