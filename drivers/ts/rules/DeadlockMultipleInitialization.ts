/**
 * DeadlockMultipleInitialization: ResetQueue takes the queue's spin lock and then "resets" the queue
 * by initializing everything again, the lock included, while it holds it.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1005, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the spin lock, the saved IRQL, the queue depth. */
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_DEPTH = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockMultipleInitialization: lock=%p\n'), context + CTX_LOCK);
  ResetQueue();
  return STATUS.SUCCESS;
}

function ResetQueue(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_DEPTH, 0);
  ddi.KeInitializeSpinLock(context + CTX_LOCK); // VIOLATION: initialized again while held
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
