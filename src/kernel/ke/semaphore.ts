/**
 * Semaphores (KeXxxSemaphore): a dispatcher object whose SignalState is its count. A wait on one
 * is satisfied while the count is above zero and takes one unit (the dispatcher's consume); a
 * release adds Adjustment, up to Limit.
 */
import { DISPATCHER_HEADER, KSEMAPHORE } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { OBJECT_TYPE } from './dispatcher.ts';

const H = DISPATCHER_HEADER.off;
const S = KSEMAPHORE.off;

export function semaphoreExports(k: Kernel) {
  const as = k.as;
  return {
    /** Count is the initial count, Limit the most it may reach. */
    KeInitializeSemaphore(Semaphore: number, Count: number, Limit: number): void {
      const s = Semaphore >>> 0;
      as.setU8(s + H.Type, OBJECT_TYPE.Semaphore);
      as.setU8(s + H.Absolute, 0);
      as.setU8(s + H.Size, KSEMAPHORE.size / 4); // in LONGs, as dispatcher objects give it
      as.setU8(s + H.Inserted, 0);
      as.setU32(s + H.SignalState, Count);
      as.setU32(s + H['WaitListHead.Flink'], s + H.WaitListHead);
      as.setU32(s + H['WaitListHead.Blink'], s + H.WaitListHead);
      as.setU32(s + S.Limit, Limit);
    },
    /**
     * Returns the previous count (0: it was not signaled). A release past Limit changes nothing and
     * raises STATUS_SEMAPHORE_LIMIT_EXCEEDED (WRK KeReleaseSemaphore: ExRaiseStatus), to the driver's
     * __except if it has one, else the bug check for an unhandled kernel exception.
     */
    KeReleaseSemaphore(Semaphore: number, _Increment: number, Adjustment: number, _Wait: number): number {
      const s = Semaphore >>> 0;
      const previous = as.i32(s + H.SignalState);
      const count = previous + (Adjustment | 0);
      if (count > as.i32(s + S.Limit) || count < previous) {
        return k.exceptions.raiseFromCaller(STATUS.SEMAPHORE_LIMIT_EXCEEDED);
      }
      as.setU32(s + H.SignalState, count);
      return previous;
    },
    /** The current count. */
    KeReadStateSemaphore(Semaphore: number): number {
      return as.i32((Semaphore >>> 0) + H.SignalState);
    },
  };
}
