/**
 * The region rules of DDI compliance checking: GuardedRegions (KeEnter/KeLeaveGuardedRegion strictly
 * alternate on a thread) and CriticalRegions (additional: a critical region is left only after it
 * was entered; they nest). Counted per thread over the verified drivers' calls only, so the kernel's
 * own regions (a guarded mutex enters one) do not count.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';
import type { DdiCheck } from './irql.ts';

interface Regions {
  guarded: boolean;
  critical: number;
}

const byKernel = new WeakMap<Kernel, Map<number, Regions>>();

function regions(k: Kernel): Regions {
  let threads = byKernel.get(k);
  if (!threads) byKernel.set(k, (threads = new Map()));
  const t = k.currentThread.address;
  let r = threads.get(t);
  if (!r) threads.set(t, (r = { guarded: false, critical: 0 }));
  return r;
}

export interface RegionRules {
  readonly guardedRegions: VerifierRule;
  readonly criticalRegions: VerifierRule;
}

/** Parameter 3 of both rules (Windows: the rule's internal state) is the thread whose regions they are: our choice. */
export function regionChecks(r: RegionRules, enabled: (vf: VerifierContext, rule: VerifierRule) => boolean): Array<[string, DdiCheck]> {
  const enterCritical: DdiCheck = (vf) => void regions(vf.k).critical++;
  const leaveCritical =
    (ddi: string): DdiCheck =>
    (vf, frames) => {
      const s = regions(vf.k);
      if (s.critical === 0 && enabled(vf, r.criticalRegions)) {
        ruleViolation(vf, r.criticalRegions, `${ddi} should only be called inside a critical region the driver entered.`, vf.k.currentThread.address, 0, frames);
      }
      s.critical = Math.max(0, s.critical - 1);
    };
  const enterGuarded: DdiCheck = (vf, frames) => {
    const s = regions(vf.k);
    if (s.guarded && enabled(vf, r.guardedRegions)) {
      ruleViolation(vf, r.guardedRegions, 'KeEnterGuardedRegion should only be called after KeLeaveGuardedRegion has ended the previous guarded region.', vf.k.currentThread.address, 0, frames);
    }
    s.guarded = true;
  };
  const leaveGuarded: DdiCheck = (vf, frames) => {
    const s = regions(vf.k);
    if (!s.guarded && enabled(vf, r.guardedRegions)) {
      ruleViolation(vf, r.guardedRegions, 'KeLeaveGuardedRegion should only be called inside a guarded region the driver entered.', vf.k.currentThread.address, 0, frames);
    }
    s.guarded = false;
  };
  return [
    ['KeEnterCriticalRegion', enterCritical],
    ['ExEnterCriticalRegionAndAcquireResourceExclusive', enterCritical],
    ['KeLeaveCriticalRegion', leaveCritical('KeLeaveCriticalRegion')],
    ['ExReleaseResourceAndLeaveCriticalRegion', leaveCritical('ExReleaseResourceAndLeaveCriticalRegion')],
    ['KeEnterGuardedRegion', enterGuarded],
    ['KeLeaveGuardedRegion', leaveGuarded],
  ];
}
