/**
 * Power framework delay fuzzing (0x8000): the power framework's callbacks come later, in another
 * order, and the driver's thread is delayed after its PoFx calls, within what the DDI reference
 * allows, so a driver that depends on when PoFx calls it back meets the other order.
 *
 * Three seeded perturbations, drawn from the delay stream of the run's seed (faults.ts), so a run
 * replays from its seed:
 * - each step of a registration's framework work (an idle condition, an Fx state, an activation, the
 *   device power callbacks) falls due 1 + a drawn 0..MAX_LATENCY_MS ms after it arose instead of 1 ms
 *   (kernel/po/pofx.ts): steps of different components change order;
 * - PoFxActivateComponent and PoFxIdleComponent called with no flag are sometimes made
 *   PO_FX_FLAG_ASYNC_ONLY: with no flag the caller may not assume its callback ran before the return;
 * - after a PoFx call below DISPATCH_LEVEL the thread is sometimes delayed (simulated time passes,
 *   timers and DPCs run, as in kernel synchronization delay fuzzing): the framework's callbacks may
 *   then run before the driver's next step, e.g. the idle condition and a low-power Fx state right
 *   after PoFxIdleComponent.
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { PO_FX_FLAG } from '../../nt/pofx.ts';
import { STATUS } from '../../nt/status.ts';
import { FX_LATENCY_MS, powerFramework } from '../../kernel/po/pofx.ts';
import { TICKS_PER_MS } from '../../kernel/ke/clock.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';

/** One step in LATENCY_ONE_IN is late, by up to MAX_LATENCY_MS. */
export const LATENCY_ONE_IN = 2;
export const MAX_LATENCY_MS = 8;
/** One call in DELAY_ONE_IN is followed by a delay of up to MAX_DELAY_MS. */
export const DELAY_ONE_IN = 3;
export const MAX_DELAY_MS = 10;
/** One flagless activate or idle in ASYNC_ONE_IN is made ASYNC_ONLY. */
export const ASYNC_ONE_IN = 2;

type Fn = (...a: unknown[]) => unknown;

/** Delay the calling thread after the call, when the draw says so (never at or above DISPATCH_LEVEL). */
function delayThread(vf: VerifierContext): void {
  const k = vf.k;
  if (k.irql >= DISPATCH_LEVEL || k.halted || k.currentThread.suspendedWait) return;
  const ms = vf.faults.drawDelay(DELAY_ONE_IN, MAX_DELAY_MS);
  // Time passes timer by timer, so work the framework sets up during the delay can fall due in it too.
  if (ms > 0) k.dispatcher.stall(ms * TICKS_PER_MS);
}

const delayedAfter = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) =>
  ((...args: unknown[]): unknown => {
    const result = (next as Fn)(...args);
    delayThread(vf);
    return result;
  }) as AnyFn;

/** Activate / idle: a flagless call may become ASYNC_ONLY, and a delay may follow. */
const conditionChange = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) =>
  ((handle: number, component: number, flags: number): unknown => {
    let f = flags >>> 0;
    if (f === 0 && vf.faults.drawChoice(ASYNC_ONE_IN)) f = PO_FX_FLAG.ASYNC_ONLY;
    const result = (next as Fn)(handle, component, f);
    delayThread(vf);
    return result;
  }) as AnyFn;

/** A successful registration takes its step latencies from the seed. */
const register = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) =>
  ((pdo: number, device: number, handleOut: number): unknown => {
    const status = (next as Fn)(pdo, device, handleOut) as number;
    if (status === STATUS.SUCCESS) {
      const r = powerFramework(vf.k).registration(vf.k.as.u32(handleOut >>> 0));
      if (r) r.latency = () => FX_LATENCY_MS + vf.faults.drawDelay(LATENCY_ONE_IN, MAX_LATENCY_MS);
    }
    return status;
  }) as AnyFn;

export const pofxDelayThunks: ThunkSet = {
  PoFxRegisterDevice: register(),
  PoFxActivateComponent: conditionChange(),
  PoFxIdleComponent: conditionChange(),
  ...Object.fromEntries(
    ['PoFxStartDevicePowerManagement', 'PoFxCompleteIdleCondition', 'PoFxCompleteIdleState', 'PoFxCompleteDevicePowerNotRequired', 'PoFxReportDevicePoweredOn'].map((ddi) => [ddi, delayedAfter()]),
  ),
};
