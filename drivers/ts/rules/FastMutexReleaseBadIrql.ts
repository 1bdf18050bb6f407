/**
 * FastMutexReleaseBadIrql: the fast mutex is taken first and the spin lock inside it, but they are
 * let go in the wrong order: the fast mutex is released while the spin lock still holds IRQL at
 * DISPATCH_LEVEL (and its release would drop IRQL to PASSIVE_LEVEL under the spin lock).
 *
 * Driver Verifier: 0xC4 / 0x34, Parameter 2 = the IRQL (2), 3 = the thread's APC-disable count (0),
 * 4 = the fast mutex.
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
  ddi.DbgPrint(ddi.str('FastMutexReleaseBadIrql: mutex=%p\n'), context + CTX_MUTEX);
  Refresh();
  return STATUS.SUCCESS;
}

function Refresh(): void {
  ddi.ExAcquireFastMutex(context + CTX_MUTEX);
  ddi.mem.setU32(context + CTX_CONFIG, 1);
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_STATS, ddi.mem.u32(context + CTX_STATS) + 1);
  ddi.ExReleaseFastMutex(context + CTX_MUTEX); // VIOLATION: at DISPATCH_LEVEL, the spin lock still held
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
