/**
 * IRQL and spin lock thunks: the automatic IRQL checks (KeRaiseIrql lowering, KeLowerIrql raising or
 * leaving DISPATCH_LEVEL inside a DPC routine, spin lock acquire and release at the wrong IRQL) and
 * the RaiseIrqls / AcquireSpinLocks counters. The DDI compliance IRQL rules are in ../ddi.
 */
import { RULES } from '../rules.ts';
import { DISPATCH_LEVEL, HIGH_LEVEL } from '../../nt/irql.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutine, thunkRoutines } from './frames.ts';

type Frames = readonly number[];

const checkRaise = (vf: VerifierContext, frames: Frames, newIrql: number): void => {
  const irql = vf.k.irql;
  if (newIrql < irql || newIrql > HIGH_LEVEL) vf.violation(RULES.RaiseIrqlLowers, irql, newIrql, 0, frames);
  vf.stats.raiseIrqls++;
};

/** Parameter 4: 0 = the new IRQL is bad; 1 = it is invalid inside a DPC routine (below DISPATCH_LEVEL). */
const checkLower = (vf: VerifierContext, frames: Frames, newIrql: number): void => {
  const irql = vf.k.irql;
  if (newIrql > irql || newIrql > HIGH_LEVEL) vf.violation(RULES.LowerIrqlRaises, irql, newIrql, 0, frames);
  if (vf.k.prcb.dpcActive && newIrql < DISPATCH_LEVEL) vf.violation(RULES.LowerIrqlRaises, irql, newIrql, 1, frames);
};

const raise = (ddi: string) => checked(ddi, (vf, frames, _skip, newIrql: number) => checkRaise(vf, frames, newIrql));
const lower = (ddi: string) => checked(ddi, (vf, frames, _skip, newIrql: number) => checkLower(vf, frames, newIrql));

const acquire = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, lock: number) => {
    const irql = vf.k.irql;
    if (irql > DISPATCH_LEVEL) vf.violation(RULES.SpinLockAcquireAboveDispatch, irql, lock, 0, frames);
    vf.stats.acquireSpinLocks++;
  });

const release = (ddi: string) =>
  checked(ddi, (vf, frames, _skip, lock: number) => {
    const irql = vf.k.irql;
    if (irql !== DISPATCH_LEVEL) vf.violation(RULES.SpinLockReleaseBadIrql, irql, lock, 0, frames);
  });

export const irqlThunks: ThunkSet = {
  KeRaiseIrql: raise('KeRaiseIrql'),
  KfRaiseIrql: raise('KfRaiseIrql'),
  KeRaiseIrqlToDpcLevel: checked('KeRaiseIrqlToDpcLevel', (vf, frames) => checkRaise(vf, frames, DISPATCH_LEVEL)),
  KeLowerIrql: lower('KeLowerIrql'),
  KfLowerIrql: lower('KfLowerIrql'),
  KeAcquireSpinLock: acquire('KeAcquireSpinLock'),
  KeAcquireSpinLockRaiseToDpc: acquire('KeAcquireSpinLockRaiseToDpc'),
  KfAcquireSpinLock: acquire('KfAcquireSpinLock'),
  KeReleaseSpinLock: release('KeReleaseSpinLock'),
  KfReleaseSpinLock: release('KfReleaseSpinLock'),
  KeAcquireSpinLockAtDpcLevel: checked('KeAcquireSpinLockAtDpcLevel', (vf, frames, _skip, lock: number) => {
    const irql = vf.k.irql;
    if (irql < DISPATCH_LEVEL) vf.violation(RULES.SpinLockDpcAcquireLowIrql, irql, lock, 0, frames);
    vf.stats.acquireSpinLocks++;
  }),
  KeReleaseSpinLockFromDpcLevel: checked('KeReleaseSpinLockFromDpcLevel', (vf, frames, _skip, lock: number) => {
    const irql = vf.k.irql;
    if (irql < DISPATCH_LEVEL) vf.violation(RULES.SpinLockDpcReleaseLowIrql, irql, lock, 0, frames);
  }),
};

/**
 * The nt frames of the Zw routines' thunks were added first when IrqlZwPassive lived here (it is in
 * ../ddi now): they stay first, so no nt address moves.
 */
const ZW_FRAMES = ['ZwClose', 'ZwCreateKey', 'ZwDeleteKey', 'ZwEnumerateKey', 'ZwEnumerateValueKey', 'ZwFlushKey', 'ZwOpenKey', 'ZwQueryKey', 'ZwQueryValueKey', 'ZwSetValueKey'].map(thunkRoutine);

export const IRQL_THUNK_ROUTINES = [...ZW_FRAMES, ...thunkRoutines(irqlThunks)];
