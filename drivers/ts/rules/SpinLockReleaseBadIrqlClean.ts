/**
 * SpinLockReleaseBadIrqlClean: the counter under its spin lock, acquired and released once each, at
 * DISPATCH_LEVEL as the rule wants. No bug check.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_COUNTER = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  BumpCounter();
  return STATUS.SUCCESS;
}

function BumpCounter(): void {
  const lock = context + CTX_LOCK;
  ddi.KeAcquireSpinLock(lock, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_COUNTER, ddi.mem.u32(context + CTX_COUNTER) + 1);
  ddi.KeReleaseSpinLock(lock, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
