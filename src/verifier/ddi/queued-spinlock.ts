/**
 * The in-stack queued spin lock rules of DDI compliance checking: QueuedSpinLock (acquire and release
 * pair up for each lock) and QueuedSpinLockRelease (additional: no second queued acquire while one is
 * held). The lock a release gives up is the one its KLOCK_QUEUE_HANDLE names, read before the release
 * runs. Held locks are tracked per kernel, across the verified drivers, as the ordinary spin lock
 * rules track theirs (spinlock.ts).
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { KLOCK_QUEUE_HANDLE } from '../../nt/layout.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';
import type { DdiCheck } from './irql.ts';

interface Held {
  /** The driver that acquired it with KeAcquireInStackQueuedSpinLock (undefined: at DPC level). */
  readonly driver?: string;
  readonly processor: number;
}

const heldLocks = new WeakMap<Kernel, Map<number, Held>>();
const held = (k: Kernel) => {
  let m = heldLocks.get(k);
  if (!m) heldLocks.set(k, (m = new Map()));
  return m;
};

export interface QueuedSpinLockRules {
  readonly queuedSpinLock: VerifierRule;
  readonly queuedSpinLockRelease: VerifierRule;
}

/** The spin lock a KLOCK_QUEUE_HANDLE names (0 for a handle no acquisition filled in). */
const handleLock = (vf: VerifierContext, handle: number) => (handle === 0 ? 0 : vf.k.as.u32(handle + KLOCK_QUEUE_HANDLE.off['LockQueue.Lock']));

/**
 * The checks (and the tracking) by DDI. Every acquire and release is tracked whatever the options;
 * `enabled` says which rules raise. Parameter 3 is the spin lock (Windows: the rule's internal
 * state), Parameter 4 the lock already held for QueuedSpinLockRelease, else 0.
 */
export function queuedSpinLockChecks(r: QueuedSpinLockRules, enabled: (vf: VerifierContext, rule: VerifierRule) => boolean): Array<[string, DdiCheck]> {
  const acquire: DdiCheck = (vf, frames, [lock = 0]) => {
    const k = vf.k;
    const locks = held(k);
    lock >>>= 0;
    if (enabled(vf, r.queuedSpinLock) && locks.has(lock)) {
      ruleViolation(vf, r.queuedSpinLock, 'KeAcquireInStackQueuedSpinLock should not be called for a spin lock that is already held.', lock, 0, frames);
    }
    if (enabled(vf, r.queuedSpinLockRelease)) {
      const other = [...locks].find(([, h]) => h.driver === vf.driver.name && h.processor === k.prcb.number);
      if (other) {
        ruleViolation(vf, r.queuedSpinLockRelease, 'KeAcquireInStackQueuedSpinLock should only be called after the queued spin lock acquired before it has been released.', lock, other[0], frames);
      }
    }
    locks.set(lock, { driver: vf.driver.name, processor: k.prcb.number });
  };
  const release: DdiCheck = (vf, frames, [handle = 0]) => {
    const locks = held(vf.k);
    const lock = handleLock(vf, handle >>> 0);
    if (enabled(vf, r.queuedSpinLock) && !locks.has(lock)) {
      ruleViolation(vf, r.queuedSpinLock, 'KeReleaseInStackQueuedSpinLock should only be called for a spin lock that is held.', lock, 0, frames);
    }
    locks.delete(lock);
  };
  // Tracked only, so the state stays true: a lock taken at DPC level, or (re)initialized.
  const atDpc: DdiCheck = (vf, _frames, [lock = 0]) => void held(vf.k).set(lock >>> 0, { processor: vf.k.prcb.number });
  const fromDpc: DdiCheck = (vf, _frames, [handle = 0]) => void held(vf.k).delete(handleLock(vf, handle >>> 0));
  const forget: DdiCheck = (vf, _frames, [lock = 0]) => void held(vf.k).delete(lock >>> 0);
  return [
    ['KeAcquireInStackQueuedSpinLock', acquire],
    ['KeReleaseInStackQueuedSpinLock', release],
    ['KeAcquireInStackQueuedSpinLockAtDpcLevel', atDpc],
    ['KeReleaseInStackQueuedSpinLockFromDpcLevel', fromDpc],
    ['KeInitializeSpinLock', forget],
  ];
}
