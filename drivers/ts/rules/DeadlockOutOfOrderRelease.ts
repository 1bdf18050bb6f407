/**
 * DeadlockOutOfOrderRelease: Transfer takes the source's spin lock, then the target's, each with
 * KeAcquireSpinLock, and releases the source's first: that returns to PASSIVE_LEVEL while the target's
 * spin lock is still held.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1003, Parameter 2 = the lock released (the source's),
 * 3 = the lock that should have been released first (the target's), 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the source's lock, the target's lock, their saved IRQLs, the two balances. */
const CTX_SOURCE_LOCK = 0;
const CTX_TARGET_LOCK = 4;
const CTX_SOURCE_IRQL = 8;
const CTX_TARGET_IRQL = 12;
const CTX_SOURCE = 16;
const CTX_TARGET = 20;
const CTX_SIZE = 24;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_SOURCE_LOCK);
  ddi.KeInitializeSpinLock(context + CTX_TARGET_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockOutOfOrderRelease: source=%p target=%p\n'), context + CTX_SOURCE_LOCK, context + CTX_TARGET_LOCK);
  Transfer(5);
  return STATUS.SUCCESS;
}

function Transfer(amount: number): void {
  ddi.KeAcquireSpinLock(context + CTX_SOURCE_LOCK, context + CTX_SOURCE_IRQL);
  ddi.KeAcquireSpinLock(context + CTX_TARGET_LOCK, context + CTX_TARGET_IRQL);
  ddi.mem.setU32(context + CTX_SOURCE, ddi.mem.u32(context + CTX_SOURCE) - amount);
  ddi.mem.setU32(context + CTX_TARGET, ddi.mem.u32(context + CTX_TARGET) + amount);
  ddi.KeReleaseSpinLock(context + CTX_SOURCE_LOCK, ddi.mem.u8(context + CTX_SOURCE_IRQL)); // VIOLATION: the target's lock is still held
  ddi.KeReleaseSpinLock(context + CTX_TARGET_LOCK, ddi.mem.u8(context + CTX_TARGET_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
