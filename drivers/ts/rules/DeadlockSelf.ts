/**
 * DeadlockSelf: UpdateTotals takes the totals' spin lock and calls AddSample, which takes the same
 * lock again. On Windows the processor spins forever on a lock it holds itself.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1000, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the spin lock, the saved IRQL, the total. */
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_TOTAL = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockSelf: lock=%p\n'), context + CTX_LOCK);
  UpdateTotals(3);
  return STATUS.SUCCESS;
}

function UpdateTotals(value: number): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  AddSample(value);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function AddSample(value: number): void {
  ddi.KeAcquireSpinLockAtDpcLevel(context + CTX_LOCK); // VIOLATION: UpdateTotals holds it already
  ddi.mem.setU32(context + CTX_TOTAL, ddi.mem.u32(context + CTX_TOTAL) + value);
  ddi.KeReleaseSpinLockFromDpcLevel(context + CTX_LOCK);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
