/**
 * In-stack queued spin locks (KeAcquireInStackQueuedSpinLock and friends): the same KSPIN_LOCK as the
 * ordinary routines, taken through a KLOCK_QUEUE_HANDLE the caller keeps (usually on its stack). The
 * handle's queue entry names the lock and the IRQL to return to; the lock word points at the queue
 * entry of its holder (the tail of the queue), as on Windows.
 *
 * One processor: a lock already held is never released while the caller spins at DISPATCH_LEVEL, so
 * an acquisition of a held lock spins until the DPC watchdog fires, as the ordinary routines do.
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { KLOCK_QUEUE_HANDLE } from '../../nt/layout.ts';
import type { Kernel } from '../kernel.ts';

const Q = KLOCK_QUEUE_HANDLE.off;

export function queuedSpinLockExports(k: Kernel) {
  const as = k.as;
  const take = (lock: number, handle: number): void => {
    if (as.u32(lock) !== 0) k.watchdog.spinForever();
    as.setU32(handle + Q['LockQueue.Next'], 0);
    as.setU32(handle + Q['LockQueue.Lock'], lock);
    as.setU32(lock, handle + Q.LockQueue);
  };
  /** Give up the lock the handle names; its IRQL is the caller's business. */
  const give = (handle: number): void => {
    const lock = as.u32(handle + Q['LockQueue.Lock']);
    if (lock !== 0) as.setU32(lock, 0);
  };
  return {
    /** Raise to DISPATCH_LEVEL (the previous IRQL goes into the handle) and take the lock. */
    KeAcquireInStackQueuedSpinLock(SpinLock: number, LockHandle: number): void {
      const old = k.prcb.irql;
      k.prcb.irql = Math.max(old, DISPATCH_LEVEL);
      take(SpinLock >>> 0, LockHandle >>> 0);
      as.setU8((LockHandle >>> 0) + Q.OldIrql, old);
    },
    /** Release the lock and return to the IRQL the acquisition saved. */
    KeReleaseInStackQueuedSpinLock(LockHandle: number): void {
      give(LockHandle >>> 0);
      k.ddi.KeLowerIrql(as.u8((LockHandle >>> 0) + Q.OldIrql));
    },
    /** The caller is at DISPATCH_LEVEL already: take the lock, leave IRQL alone. */
    KeAcquireInStackQueuedSpinLockAtDpcLevel(SpinLock: number, LockHandle: number): void {
      take(SpinLock >>> 0, LockHandle >>> 0);
    },
    KeReleaseInStackQueuedSpinLockFromDpcLevel(LockHandle: number): void {
      give(LockHandle >>> 0);
    },
  };
}
