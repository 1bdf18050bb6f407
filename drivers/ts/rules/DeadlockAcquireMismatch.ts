/**
 * DeadlockAcquireMismatch: the context's first field is a union: the driver starts with it as a spin
 * lock, and after a mode switch reinitializes the same memory as a fast mutex and acquires it, while
 * the verifier still knows it as a spin lock (the memory was never freed).
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1008, Parameter 2 = the lock, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, FAST_MUTEX, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the lock (a spin lock or a fast mutex), the saved IRQL, the mode. */
const CTX_LOCK = 0;
const CTX_OLD_IRQL = FAST_MUTEX.size;
const CTX_MODE = FAST_MUTEX.size + 4;
const CTX_SIZE = FAST_MUTEX.size + 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockAcquireMismatch: lock=%p\n'), context + CTX_LOCK);
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_MODE, 1);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
  SwitchToPassiveMode();
  return STATUS.SUCCESS;
}

function SwitchToPassiveMode(): void {
  ddi.ExInitializeFastMutex(context + CTX_LOCK);
  ddi.ExAcquireFastMutex(context + CTX_LOCK); // VIOLATION: the same lock was a spin lock
  ddi.mem.setU32(context + CTX_MODE, 2);
  ddi.ExReleaseFastMutex(context + CTX_LOCK);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
