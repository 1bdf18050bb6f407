/**
 * DeadlockQueuedMismatch: the request list's spin lock is taken as an in-stack queued spin lock by
 * InsertRequest and as an ordinary spin lock by CountRequests. A KSPIN_LOCK is either one or the other:
 * on a multiprocessor an ordinary acquisition does not see the queue of the queued ones.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1008, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, KLOCK_QUEUE_HANDLE, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the spin lock, the saved IRQL, the request count, a lock queue handle. */
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_COUNT = 8;
const CTX_HANDLE = 12;
const CTX_SIZE = 12 + KLOCK_QUEUE_HANDLE.size;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockQueuedMismatch: lock=%p\n'), context + CTX_LOCK);
  InsertRequest();
  CountRequests();
  return STATUS.SUCCESS;
}

function InsertRequest(): void {
  ddi.KeAcquireInStackQueuedSpinLock(context + CTX_LOCK, context + CTX_HANDLE);
  ddi.mem.setU32(context + CTX_COUNT, ddi.mem.u32(context + CTX_COUNT) + 1);
  ddi.KeReleaseInStackQueuedSpinLock(context + CTX_HANDLE);
}

function CountRequests(): number {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL); // VIOLATION: InsertRequest takes it as a queued spin lock
  const count = ddi.mem.u32(context + CTX_COUNT);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
  return count;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
