/**
 * IRQL and spin lock thunks: the automatic IRQL checks (KeRaiseIrql lowering, KeLowerIrql raising,
 * spin lock acquire and release at the wrong IRQL) and the RaiseIrqls / AcquireSpinLocks counters.
 */
import { RULES } from '../rules.ts';
import { DISPATCH_LEVEL, HIGH_LEVEL } from '../../nt/irql.ts';
import type { AnyFn, ThunkSet, VerifierContext } from '../context.ts';

type Fn = (...a: number[]) => unknown;

const checkRaise = (vf: VerifierContext, newIrql: number): void => {
  const irql = vf.k.irql;
  if (newIrql < irql || newIrql > HIGH_LEVEL) vf.violation(RULES.RaiseIrqlLowers, irql, newIrql, 0);
  vf.stats.raiseIrqls++;
};

const checkLower = (vf: VerifierContext, newIrql: number): void => {
  const irql = vf.k.irql;
  if (newIrql > irql || newIrql > HIGH_LEVEL) vf.violation(RULES.LowerIrqlRaises, irql, newIrql, 0);
};

const raise = (next: AnyFn, vf: VerifierContext): AnyFn =>
  ((newIrql: number, ...rest: number[]) => {
    checkRaise(vf, newIrql);
    return (next as Fn)(newIrql, ...rest);
  }) as AnyFn;

const lower = (next: AnyFn, vf: VerifierContext): AnyFn =>
  ((newIrql: number) => {
    checkLower(vf, newIrql);
    return (next as Fn)(newIrql);
  }) as AnyFn;

const acquire = (next: AnyFn, vf: VerifierContext): AnyFn =>
  ((lock: number, ...rest: number[]) => {
    const irql = vf.k.irql;
    if (irql > DISPATCH_LEVEL) vf.violation(RULES.SpinLockAcquireAboveDispatch, irql, lock, 0);
    vf.stats.acquireSpinLocks++;
    return (next as Fn)(lock, ...rest);
  }) as AnyFn;

const release = (next: AnyFn, vf: VerifierContext): AnyFn =>
  ((lock: number, newIrql: number) => {
    const irql = vf.k.irql;
    if (irql !== DISPATCH_LEVEL) vf.violation(RULES.SpinLockReleaseBadIrql, irql, lock, 0);
    return (next as Fn)(lock, newIrql);
  }) as AnyFn;

export const irqlThunks: ThunkSet = {
  KeRaiseIrql: raise,
  KfRaiseIrql: raise,
  KeRaiseIrqlToDpcLevel: (next, vf) =>
    (() => {
      checkRaise(vf, DISPATCH_LEVEL);
      return (next as Fn)();
    }) as AnyFn,
  KeLowerIrql: lower,
  KfLowerIrql: lower,
  KeAcquireSpinLock: acquire,
  KeAcquireSpinLockRaiseToDpc: acquire,
  KfAcquireSpinLock: acquire,
  KeReleaseSpinLock: release,
  KfReleaseSpinLock: release,
  KeAcquireSpinLockAtDpcLevel: (next, vf) =>
    ((lock: number) => {
      const irql = vf.k.irql;
      if (irql < DISPATCH_LEVEL) vf.violation(RULES.SpinLockDpcAcquireLowIrql, irql, lock, 0);
      vf.stats.acquireSpinLocks++;
      return (next as Fn)(lock);
    }) as AnyFn,
  KeReleaseSpinLockFromDpcLevel: (next, vf) =>
    ((lock: number) => {
      const irql = vf.k.irql;
      if (irql < DISPATCH_LEVEL) vf.violation(RULES.SpinLockDpcReleaseLowIrql, irql, lock, 0);
      return (next as Fn)(lock);
    }) as AnyFn,
};
