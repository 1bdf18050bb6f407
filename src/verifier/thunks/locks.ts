/** Fast mutex thunks: acquire above APC_LEVEL (0x33), release at an IRQL other than APC_LEVEL (0x34). */
import { APC_LEVEL } from '../../nt/irql.ts';
import { RULES } from '../rules.ts';
import type { ThunkSet } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

const acquire = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, mutex: number) => {
    const irql = vf.k.irql;
    if (irql > APC_LEVEL) vf.violation(RULES.FastMutexAcquireAboveApc, irql, mutex, 0, frames);
  });

export const lockThunks: ThunkSet = {
  ExAcquireFastMutex: acquire('ExAcquireFastMutex'),
  ExTryToAcquireFastMutex: acquire('ExTryToAcquireFastMutex'),
  ExReleaseFastMutex: checked('ExReleaseFastMutex', (vf, frames, _skip, mutex: number) => {
    const irql = vf.k.irql;
    if (irql !== APC_LEVEL) vf.violation(RULES.FastMutexReleaseBadIrql, irql, vf.k.currentThread.kernelApcDisable, mutex, frames);
  }),
};

export const LOCK_THUNK_ROUTINES = thunkRoutines(lockThunks);
