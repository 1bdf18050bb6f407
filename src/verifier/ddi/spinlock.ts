/**
 * The spin lock rules of DDI compliance checking: SpinLock (acquire and release pair up for each
 * lock), SpinlockRelease (additional: no second acquire while one is held) and the OldIrql half of
 * IrqlKeReleaseSpinLock. Which locks are held is tracked per kernel, across the verified drivers, so
 * a lock one driver acquires and another releases is not flagged.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';
import type { DdiCheck } from './irql.ts';

interface Held {
  /** The IRQL the acquire returned as OldIrql. */
  readonly oldIrql: number;
  /** The driver that acquired it with KeAcquireSpinLock(RaiseToDpc) (undefined: at DPC level). */
  readonly driver?: string;
  readonly processor: number;
}

const heldLocks = new WeakMap<Kernel, Map<number, Held>>();
const held = (k: Kernel) => {
  let m = heldLocks.get(k);
  if (!m) heldLocks.set(k, (m = new Map()));
  return m;
};

export interface SpinLockRules {
  readonly spinLock: VerifierRule;
  readonly spinlockRelease: VerifierRule;
  readonly irqlKeReleaseSpinLock: VerifierRule;
}

/**
 * The checks (and the tracking) by DDI. Every acquire and release is tracked whatever the options;
 * `enabled` says which rules raise.
 */
export function spinLockChecks(r: SpinLockRules, enabled: (vf: VerifierContext, rule: VerifierRule) => boolean): Array<[string, DdiCheck]> {
  const acquire =
    (ddi: string): DdiCheck =>
    (vf, frames, [lock = 0]) => {
      const k = vf.k;
      const locks = held(k);
      if (enabled(vf, r.spinLock) && locks.has(lock)) ruleViolation(vf, r.spinLock, `${ddi} should not be called for a spin lock that is already held.`, lock, 0, frames);
      if (enabled(vf, r.spinlockRelease)) {
        const other = [...locks].find(([, h]) => h.driver === vf.driver.name && h.processor === k.prcb.number);
        if (other) ruleViolation(vf, r.spinlockRelease, `${ddi} should only be called after the spin lock acquired before it has been released.`, lock, other[0], frames);
      }
      locks.set(lock, { oldIrql: k.irql, driver: vf.driver.name, processor: k.prcb.number });
    };
  const release =
    (ddi: string): DdiCheck =>
    (vf, frames, [lock = 0, newIrql = 0]) => {
      const locks = held(vf.k);
      const h = locks.get(lock);
      if (enabled(vf, r.spinLock) && !h) ruleViolation(vf, r.spinLock, `${ddi} should only be called for a spin lock that is held.`, lock, 0, frames);
      if (enabled(vf, r.irqlKeReleaseSpinLock) && h && vf.k.irql === DISPATCH_LEVEL && (newIrql & 0xff) !== h.oldIrql) {
        ruleViolation(vf, r.irqlKeReleaseSpinLock, `${ddi} should only be called with the OldIrql of the matching KeAcquireSpinLock.`, 0, 0, frames);
      }
      locks.delete(lock);
    };
  // Tracked only, so the state stays true: a lock taken at DPC level, or (re)initialized.
  const atDpc: DdiCheck = (vf, _frames, [lock = 0]) => void held(vf.k).set(lock, { oldIrql: DISPATCH_LEVEL, processor: vf.k.prcb.number });
  const forget: DdiCheck = (vf, _frames, [lock = 0]) => void held(vf.k).delete(lock);
  return [
    ['KeAcquireSpinLock', acquire('KeAcquireSpinLock')],
    ['KeAcquireSpinLockRaiseToDpc', acquire('KeAcquireSpinLockRaiseToDpc')],
    ['KfAcquireSpinLock', acquire('KfAcquireSpinLock')],
    ['KeReleaseSpinLock', release('KeReleaseSpinLock')],
    ['KfReleaseSpinLock', release('KfReleaseSpinLock')],
    ['KeAcquireSpinLockAtDpcLevel', atDpc],
    ['KeReleaseSpinLockFromDpcLevel', forget],
    ['KeInitializeSpinLock', forget],
  ];
}
