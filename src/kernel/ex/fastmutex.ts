/**
 * Fast mutexes (ExXxxFastMutex): acquiring one raises IRQL to APC_LEVEL and records the owner and
 * the IRQL to return to; releasing it restores that IRQL. The thread's APC-disable count is left
 * alone (the raise to APC_LEVEL is what keeps APCs out), as on Windows 8 and later.
 *
 * Without the verifier nothing checks the caller's IRQL beyond what raising to APC_LEVEL itself
 * checks: from above APC_LEVEL that is a raise to a lower level, IRQL_NOT_GREATER_OR_EQUAL.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { APC_LEVEL } from '../../nt/irql.ts';
import { FAST_MUTEX } from '../../nt/layout.ts';
import { EVENT_TYPE } from '../../nt/access.ts';
import type { Kernel } from '../kernel.ts';

const F = FAST_MUTEX.off;

/**
 * Own a FAST_MUTEX (a KGUARDED_MUTEX is one), waiting for it while another thread holds it; the IRQL
 * is the caller's business. A thread that already owns it deadlocks, as on Windows: `what` names it.
 */
export function acquireFastMutexUnsafe(k: Kernel, m: number, what: 'fast mutex' | 'guarded mutex'): void {
  const as = k.as;
  const count = as.i32(m + F.Count) - 1;
  as.setU32(m + F.Count, count);
  if (count !== 0) {
    if (as.u32(m + F.Owner) === k.currentThread.address) {
      k.hang(`thread ${k.currentThread.address.toString(16)} (${k.currentThread.name}) acquires ${what} ${m.toString(16)}, which it already owns: it waits for itself forever`);
    }
    as.setU32(m + F.Contention, as.u32(m + F.Contention) + 1);
    k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitForSingleObject(m + F.Event, undefined));
  }
  as.setU32(m + F.Owner, k.currentThread.address);
}

/** Give a FAST_MUTEX up, to a waiter if there is one; the IRQL is the caller's business. */
export function releaseFastMutexUnsafe(k: Kernel, m: number): void {
  const as = k.as;
  as.setU32(m + F.Owner, 0);
  const count = as.i32(m + F.Count) + 1;
  as.setU32(m + F.Count, count);
  if (count !== 1) k.dispatcher.setEvent(m + F.Event);
}

export function fastMutexExports(k: Kernel) {
  const as = k.as;
  const raiseToApc = (): number => {
    const old = k.prcb.irql;
    if (old > APC_LEVEL) k.bugCheck(BUGCHECK.IRQL_NOT_GREATER_OR_EQUAL, 0, 0, 0, 0);
    k.prcb.irql = APC_LEVEL;
    return old;
  };
  const take = (mutex: number, oldIrql: number): void => {
    as.setU32(mutex + F.Owner, k.currentThread.address);
    as.setU32(mutex + F.OldIrql, oldIrql);
  };
  return {
    ExInitializeFastMutex(FastMutex: number): void {
      const m = FastMutex >>> 0;
      as.setU32(m + F.Count, 1);
      as.setU32(m + F.Owner, 0);
      as.setU32(m + F.Contention, 0);
      k.dispatcher.initializeEvent(m + F.Event, EVENT_TYPE.SynchronizationEvent, false);
      as.setU32(m + F.OldIrql, 0);
    },
    /** Raise to APC_LEVEL and own the mutex; a thread that already owns it deadlocks, as on Windows. */
    ExAcquireFastMutex(FastMutex: number): void {
      const m = FastMutex >>> 0;
      const old = raiseToApc();
      acquireFastMutexUnsafe(k, m, 'fast mutex');
      as.setU32(m + F.OldIrql, old);
    },
    /** TRUE (and owned, at APC_LEVEL) if the mutex was free; FALSE without waiting otherwise. */
    ExTryToAcquireFastMutex(FastMutex: number): number {
      const m = FastMutex >>> 0;
      const old = raiseToApc();
      if (as.i32(m + F.Count) !== 1) {
        k.prcb.irql = old;
        return 0;
      }
      as.setU32(m + F.Count, 0);
      take(m, old);
      return 1;
    },
    /** Give the mutex up (to a waiter, if any) and return to the IRQL saved at acquire. */
    ExReleaseFastMutex(FastMutex: number): void {
      const m = FastMutex >>> 0;
      releaseFastMutexUnsafe(k, m);
      k.ddi.KeLowerIrql(as.u32(m + F.OldIrql));
    },
  };
}
