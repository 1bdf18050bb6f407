/**
 * Guarded mutexes and guarded regions. Since Windows 8 a guarded mutex is a fast mutex (the DDI
 * reference, "Fast Mutexes and Guarded Mutexes"): KGUARDED_MUTEX is FAST_MUTEX, acquiring one raises
 * to APC_LEVEL. The Unsafe variants neither raise nor restore IRQL: the caller is already at
 * APC_LEVEL or in a guarded region. A guarded region disables all kernel APCs (the thread's
 * SpecialApcDisable count); a critical region (KeEnterCriticalRegion) only normal ones.
 */
import { APC_LEVEL } from '../../nt/irql.ts';
import type { Kernel } from '../kernel.ts';
import { acquireFastMutexUnsafe, releaseFastMutexUnsafe } from '../ex/fastmutex.ts';

export function guardedMutexExports(k: Kernel) {
  const fast = () => k.ddi;
  const acquireUnsafe = (mutex: number): void => acquireFastMutexUnsafe(k, mutex >>> 0, 'guarded mutex');
  const releaseUnsafe = (mutex: number): void => releaseFastMutexUnsafe(k, mutex >>> 0);
  return {
    KeInitializeGuardedMutex(Mutex: number): void {
      fast().ExInitializeFastMutex(Mutex);
    },
    KeAcquireGuardedMutex(Mutex: number): void {
      fast().ExAcquireFastMutex(Mutex);
    },
    KeTryToAcquireGuardedMutex(Mutex: number): number {
      return fast().ExTryToAcquireFastMutex(Mutex);
    },
    KeReleaseGuardedMutex(Mutex: number): void {
      fast().ExReleaseFastMutex(Mutex);
    },
    /** The caller is at APC_LEVEL or inside a guarded region: no IRQL change. */
    KeAcquireGuardedMutexUnsafe(Mutex: number): void {
      acquireUnsafe(Mutex);
    },
    KeReleaseGuardedMutexUnsafe(Mutex: number): void {
      releaseUnsafe(Mutex);
    },
    /** The same pair under its fast-mutex names. */
    ExAcquireFastMutexUnsafe(FastMutex: number): void {
      acquireUnsafe(FastMutex);
    },
    ExReleaseFastMutexUnsafe(FastMutex: number): void {
      releaseUnsafe(FastMutex);
    },
    /** Disable all kernel APCs for the current thread; IRQL <= APC_LEVEL. */
    KeEnterGuardedRegion(): void {
      k.currentThread.specialApcDisable--;
    },
    /** An unbalanced leave is not checked here, as on a free build: the count just goes wrong. */
    KeLeaveGuardedRegion(): void {
      k.currentThread.specialApcDisable++;
    },
    /** TRUE inside a guarded region or at IRQL >= APC_LEVEL. */
    KeAreAllApcsDisabled(): number {
      return k.currentThread.specialApcDisable !== 0 || k.prcb.irql >= APC_LEVEL ? 1 : 0;
    },
    /** TRUE inside a critical or a guarded region. */
    KeAreApcsDisabled(): number {
      const t = k.currentThread;
      return t.kernelApcDisable !== 0 || t.specialApcDisable !== 0 ? 1 : 0;
    },
  };
}
