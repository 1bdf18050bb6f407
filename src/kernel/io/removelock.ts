/**
 * Remove locks (IoXxxRemoveLockEx): a count of the I/O a device has in flight, so the driver that
 * removes the device can wait until the last request has left. The count starts at 1, the lock's own
 * bias; IoReleaseRemoveLockAndWait marks the lock removed, drops the caller's hold and the bias, and
 * waits on the lock's event until the count reaches 0. From then on an acquire fails with
 * STATUS_DELETE_PENDING.
 *
 * The WDK's short names (IoAcquireRemoveLock...) are macros over these, passing sizeof(IO_REMOVE_LOCK);
 * a free build's lock is the common block alone, the size these routines accept.
 *
 * The routines check no IRQL themselves (Acquire/Release run at <= DISPATCH_LEVEL, ReleaseAndWait at
 * PASSIVE_LEVEL, per the DDI reference): as on Windows, a wait at the wrong IRQL is the wait's problem.
 */
import { IO_REMOVE_LOCK } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import { EVENT_TYPE } from '../../nt/access.ts';
import type { Kernel } from '../kernel.ts';

const R = IO_REMOVE_LOCK.off;

export function removeLockExports(k: Kernel) {
  const as = k.as;
  const count = (lock: number) => as.i32(lock + R['Common.IoCount']);
  /** InterlockedDecrement of IoCount; the last one out signals the remover. */
  const drop = (lock: number): number => {
    const n = count(lock) - 1;
    as.setU32(lock + R['Common.IoCount'], n);
    if (n === 0) k.dispatcher.setEvent(lock + R['Common.RemoveEvent']);
    return n;
  };
  return {
    /** Removed FALSE, IoCount 1, an unsignaled synchronization event. A lock of another size is left alone, as the free build does. */
    IoInitializeRemoveLockEx(Lock: number, _AllocateTag: number, _MaxLockedMinutes: number, _HighWatermark: number, RemlockSize: number): void {
      if (RemlockSize >>> 0 !== IO_REMOVE_LOCK.size) return;
      const lock = Lock >>> 0;
      as.setU8(lock + R['Common.Removed'], 0);
      as.setU32(lock + R['Common.IoCount'], 1);
      k.dispatcher.initializeEvent(lock + R['Common.RemoveEvent'], EVENT_TYPE.SynchronizationEvent, false);
    },
    /** One more hold; STATUS_DELETE_PENDING (and no hold) once the lock is removed. IRQL <= DISPATCH_LEVEL. */
    IoAcquireRemoveLockEx(RemoveLock: number, _Tag: number, _File: number, _Line: number, _RemlockSize: number): number {
      const lock = RemoveLock >>> 0;
      as.setU32(lock + R['Common.IoCount'], count(lock) + 1);
      if (as.u8(lock + R['Common.Removed'])) {
        drop(lock);
        return STATUS.DELETE_PENDING;
      }
      return STATUS.SUCCESS;
    },
    /** Give a hold back. IRQL <= DISPATCH_LEVEL. */
    IoReleaseRemoveLockEx(RemoveLock: number, _Tag: number, _RemlockSize: number): void {
      drop(RemoveLock >>> 0);
    },
    /**
     * The remover's call, made holding the lock once: mark it removed, give back that hold and the
     * bias, and wait (a real wait on the lock's event) for every other holder to release. PASSIVE_LEVEL.
     */
    IoReleaseRemoveLockAndWaitEx(RemoveLock: number, _Tag: number, _RemlockSize: number): void {
      const lock = RemoveLock >>> 0;
      as.setU8(lock + R['Common.Removed'], 1);
      drop(lock);
      // The bias goes without a signal: only a holder's release wakes the remover.
      const left = count(lock) - 1;
      as.setU32(lock + R['Common.IoCount'], left);
      if (left > 0) {
        k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitForSingleObject(lock + R['Common.RemoveEvent'], undefined));
      }
    },
  };
}
