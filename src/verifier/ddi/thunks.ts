/**
 * The thunk set of DDI compliance checking (0x20000, and 0x80000 additional): one thunk per watched
 * DDI, running the checks of every rule that watches it (the lock rules first, then the IRQL rules).
 * It comes first in the verifier's sets, so a DDI rule is reported before the automatic check of
 * the same call (Microsoft's example: ExAcquireFastMutex at DISPATCH_LEVEL is 0xC4/0x20005, not
 * 0x33); with the options off the DDI is not wrapped and the automatic checks report it.
 */
import { VF } from '../flags.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { thunkFrame, thunkRoutines } from '../thunks/frames.ts';
import { irqlChecks, type DdiCheck } from './irql.ts';
import { DDI_RULES } from './rules.ts';
import { pnpChecks } from './pnp.ts';
import { powerChecks } from './power.ts';
import { regionChecks } from './regions.ts';
import { spinLockChecks } from './spinlock.ts';
import { queuedSpinLockChecks } from './queued-spinlock.ts';

const DDI_OPTIONS = VF.DDI_COMPLIANCE | VF.DDI_COMPLIANCE_ADDITIONAL;

/** The state a rule keeps is tracked under either option; each rule raises only under its own. */
const enabledFor = (vf: VerifierContext, rule: VerifierRule) => (vf.flags & rule.flag) !== 0;

function gather(): Map<string, Array<{ flag: number; check: DdiCheck }>> {
  const byDdi = new Map<string, Array<{ flag: number; check: DdiCheck }>>();
  const add = (ddi: string, flag: number, check: DdiCheck) => {
    if (!byDdi.has(ddi)) byDdi.set(ddi, []);
    byDdi.get(ddi)!.push({ flag, check });
  };
  const R = DDI_RULES;
  const locks = spinLockChecks({ spinLock: R.SpinLock, spinlockRelease: R.SpinlockRelease, irqlKeReleaseSpinLock: R.IrqlKeReleaseSpinLock }, enabledFor);
  for (const [ddi, check] of locks) add(ddi, DDI_OPTIONS, check);
  for (const [ddi, check] of queuedSpinLockChecks({ queuedSpinLock: R.QueuedSpinLock, queuedSpinLockRelease: R.QueuedSpinLockRelease }, enabledFor)) add(ddi, DDI_OPTIONS, check);
  for (const [ddi, check] of regionChecks({ guardedRegions: R.GuardedRegions, criticalRegions: R.CriticalRegions }, enabledFor)) add(ddi, DDI_OPTIONS, check);
  for (const [ddi, check] of powerChecks(R.RequestedPowerIrp, enabledFor)) add(ddi, R.RequestedPowerIrp.flag, check);
  for (const [ddi, check] of pnpChecks(R.PnpRemove, enabledFor)) add(ddi, R.PnpRemove.flag, check);
  for (const rule of Object.values(R)) for (const [ddi, check] of irqlChecks(rule, () => true)) add(ddi, rule.flag, check);
  return byDdi;
}

const CHECKS = gather();

function factory(ddi: string, checks: ReadonlyArray<{ flag: number; check: DdiCheck }>): ThunkFactory {
  return (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, ddi)];
    const mine = checks.filter((c) => vf.flags & c.flag);
    const thunk = (...args: number[]): unknown => {
      for (const c of mine) c.check(vf, frames, args);
      return (next as (...a: number[]) => unknown)(...args);
    };
    return thunk as AnyFn;
  };
}

export const ddiThunks: ThunkSet = Object.fromEntries([...CHECKS].map(([ddi, checks]) => [ddi, factory(ddi, checks)]));

export const DDI_THUNK_ROUTINES = thunkRoutines(ddiThunks);
