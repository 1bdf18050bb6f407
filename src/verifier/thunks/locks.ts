/**
 * Fast mutex thunks: acquire above APC_LEVEL (0x33), release at an IRQL other than APC_LEVEL (0x34).
 * Guarded mutexes are fast mutexes since Windows 8, and the verifier treats them alike.
 */
import { APC_LEVEL } from '../../nt/irql.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

const acquire = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, mutex: number) => {
    const irql = vf.k.irql;
    if (irql > APC_LEVEL) vf.violation(RULES.FastMutexAcquireAboveApc, irql, mutex, 0, frames);
  });

const release = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, mutex: number) => {
    const irql = vf.k.irql;
    if (irql !== APC_LEVEL) vf.violation(RULES.FastMutexReleaseBadIrql, irql, vf.k.currentThread.kernelApcDisable, mutex, frames);
  });

export const lockThunks: ThunkSet = {
  ExAcquireFastMutex: acquire('ExAcquireFastMutex'),
  ExTryToAcquireFastMutex: acquire('ExTryToAcquireFastMutex'),
  ExReleaseFastMutex: release('ExReleaseFastMutex'),
  KeAcquireGuardedMutex: acquire('KeAcquireGuardedMutex'),
  KeTryToAcquireGuardedMutex: acquire('KeTryToAcquireGuardedMutex'),
  KeReleaseGuardedMutex: release('KeReleaseGuardedMutex'),
};

export const LOCK_THUNK_ROUTINES = thunkRoutines(lockThunks);
