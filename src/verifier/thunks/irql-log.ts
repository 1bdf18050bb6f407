/**
 * Force IRQL checking (0x2): every IRQL change a verified driver makes through the kernel (raise,
 * lower, spin lock acquire and release) goes in the IRQL transition log (`!verifier 8`), with the
 * driver's stack. The IRQL checks themselves are the irql set's; this set only records.
 */
import { IRQL_LOG_DEPTH } from '../irql-log.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';

type Fn = (...a: unknown[]) => unknown;

const logged: ThunkFactory = (next: AnyFn, vf: VerifierContext) => {
  const thunk = (...args: unknown[]): unknown => {
    const k = vf.k;
    const oldIrql = k.irql;
    const result = (next as Fn)(...args);
    const newIrql = k.irql;
    const stack = vf.captureStack([], thunk).slice(0, IRQL_LOG_DEPTH);
    vf.irqlLog.add({ thread: k.currentThread.address, oldIrql, newIrql, processor: k.prcb.number, timeStamp: k.clock.tickCount(), stack });
    return result;
  };
  return thunk as AnyFn;
};

const IRQL_CHANGING = [
  'KeRaiseIrql',
  'KfRaiseIrql',
  'KeRaiseIrqlToDpcLevel',
  'KeLowerIrql',
  'KfLowerIrql',
  'KeAcquireSpinLock',
  'KeAcquireSpinLockRaiseToDpc',
  'KfAcquireSpinLock',
  'KeReleaseSpinLock',
  'KfReleaseSpinLock',
] as const;

export const irqlLogThunks: ThunkSet = Object.fromEntries(IRQL_CHANGING.map((ddi) => [ddi, logged]));
