/**
 * DeadlockDeletedLockOwned: Teardown takes the session's spin lock to unlink it, and frees the session
 * block (which holds the lock) before releasing the lock.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x100B, Parameter 2 = the spin lock, 3 = the thread
 * that owns it, 4 = 0. Raised at the free.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Session block: the spin lock, the saved IRQL, a state word. */
const SESSION_LOCK = 0;
const SESSION_OLD_IRQL = 4;
const SESSION_STATE = 8;
const SESSION_SIZE = 12;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const session = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, SESSION_SIZE, TAG);
  if (session === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(session + SESSION_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockDeletedLockOwned: lock=%p\n'), session + SESSION_LOCK);
  Teardown(session);
  return STATUS.SUCCESS;
}

function Teardown(session: number): void {
  ddi.KeAcquireSpinLock(session + SESSION_LOCK, session + SESSION_OLD_IRQL);
  ddi.mem.setU32(session + SESSION_STATE, 0);
  const oldIrql = ddi.mem.u8(session + SESSION_OLD_IRQL);
  ddi.ExFreePoolWithTag(session, TAG); // VIOLATION: its spin lock is still held
  ddi.KeReleaseSpinLock(session + SESSION_LOCK, oldIrql);
}

function DriverUnload(_DriverObject: number): void {}
