/**
 * Kernel synchronization delay fuzzing (0x800000): at the verified driver's synchronization calls,
 * Driver Verifier sometimes delays the calling thread, so code that only works because another
 * context has not run yet meets it.
 *
 * Here a delay is simulated time passing for the thread at the call (a seeded choice: one call in
 * DELAY_ONE_IN, for 1 to MAX_DELAY_MS ms): timers that fall due meanwhile fire and their DPCs run,
 * as they would while the thread slept. Only timers and DPCs run in the delay, never work items or
 * other threads: in the cooperative scheduler those would run nested inside the delayed thread, and
 * one waiting for the delayed thread would be reported as a hang that Windows would not have. A
 * delay is taken only below DISPATCH_LEVEL (a thread at DISPATCH_LEVEL or above is not delayed by
 * the scheduler), after the call, so the driver's next step is what meets the other context.
 *
 * The choices come from their own PRNG stream of the run's seed: turning fuzzing on leaves low
 * resources simulation's draws as they were, and a run replays from its seed.
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { TICKS_PER_MS } from '../../kernel/ke/clock.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';

export const DELAY_ONE_IN = 4;
export const MAX_DELAY_MS = 20;

type Fn = (...a: unknown[]) => unknown;

/** Delay the thread after the DDI returns, when the fuzzer draws it. */
const delayedAfter = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  return ((...args: unknown[]): unknown => {
    const result = (next as Fn)(...args);
    const k = vf.k;
    // Not as a wait unwinds its thread's stack (ke/suspend.ts): the delay follows the wait that ends.
    if (k.irql < DISPATCH_LEVEL && !k.halted && !k.currentThread.suspendedWait) {
      const ms = vf.faults.drawDelay(DELAY_ONE_IN, MAX_DELAY_MS);
      if (ms > 0) k.dispatcher.advanceClock(k.clock.now + ms * TICKS_PER_MS);
    }
    return result;
  }) as AnyFn;
};

/** The synchronization DDIs a delay may follow: signalling, releasing, waiting. */
export const delayFuzzingThunks: ThunkSet = Object.fromEntries(
  [
    'KeSetEvent',
    'KePulseEvent',
    'KeReleaseMutex',
    'KeReleaseSemaphore',
    'KeWaitForSingleObject',
    'KeWaitForMultipleObjects',
    'KeReleaseSpinLock',
    'KfReleaseSpinLock',
    'KeReleaseInStackQueuedSpinLock',
    'ExReleaseFastMutex',
    'ExReleaseFastMutexUnsafe',
    'KeReleaseGuardedMutex',
    'ExReleaseResourceLite',
    'KeInsertQueueDpc',
    'KeSetTimer',
    'KeSetTimerEx',
    'IoQueueWorkItem',
    'ExQueueWorkItem',
    'IofCompleteRequest',
    'IoCompleteRequest',
    'IofCallDriver',
    'IoCallDriver',
  ].map((ddi) => [ddi, delayedAfter()]),
);
