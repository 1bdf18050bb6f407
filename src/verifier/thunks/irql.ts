/**
 * IRQL and spin lock thunks: the automatic IRQL checks (KeRaiseIrql lowering, KeLowerIrql raising or
 * leaving DISPATCH_LEVEL inside a DPC routine, spin lock acquire and release at the wrong IRQL) and
 * the RaiseIrqls / AcquireSpinLocks counters; and the DDI compliance rule IrqlZwPassive.
 */
import { RULES } from '../rules.ts';
import { DISPATCH_LEVEL, HIGH_LEVEL, PASSIVE_LEVEL } from '../../nt/irql.ts';
import { TAG } from '../../kernel/tags.ts';
import { VF } from '../flags.ts';
import type { ThunkSet, VerifierContext } from '../context.ts';
import { checked, thunkRoutines } from './frames.ts';

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

/**
 * DDI compliance checking, rule IrqlZwPassive: these run at PASSIVE_LEVEL only. Parameter 2 points
 * to the condition's text, as Windows' rule state does; the machine stops, so it is never freed.
 */
const ZW_PASSIVE = ['ZwClose', 'ZwCreateKey', 'ZwDeleteKey', 'ZwEnumerateKey', 'ZwEnumerateValueKey', 'ZwFlushKey', 'ZwOpenKey', 'ZwQueryKey', 'ZwQueryValueKey', 'ZwSetValueKey'] as const;

const conditionText = (vf: VerifierContext, text: string): number => {
  const bytes = new TextEncoder().encode(text + '\0');
  const a = vf.k.allocateKernelObject(bytes.length, TAG.Name);
  vf.k.as.write(a, bytes);
  return a;
};

const passiveOnly = (ddi: string) =>
  checked(ddi, (vf, frames) => {
    if (!(vf.flags & VF.DDI_COMPLIANCE) || vf.k.irql === PASSIVE_LEVEL) return;
    vf.violation(RULES.IrqlZwPassive, conditionText(vf, `${ddi} should only be called at IRQL = PASSIVE_LEVEL.`), 0, 0, frames);
  });

export const irqlThunks: ThunkSet = {
  ...Object.fromEntries(ZW_PASSIVE.map((ddi) => [ddi, passiveOnly(ddi)])),
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

export const IRQL_THUNK_ROUTINES = thunkRoutines(irqlThunks);
