/**
 * Deadlock Detection (option 0x20): the checks the lock thunks (thunks.ts) make against the lock graph,
 * and the report `!deadlock` reads from the dump. One per machine, shared by every verified driver, as
 * Windows keeps one graph for the system.
 *
 * Decisions (the rows of rules.ts say them too):
 * - Locks are known by address; a lock in freed pool, a deleted device's extension or an unloaded image
 *   leaves the graph, so a later lock at that address starts with no history.
 * - Try-acquisitions (ExTryToAcquireFastMutex, a resource acquired with Wait = FALSE) cannot wait, so
 *   they add no order towards the lock taken; orders from it to later locks count.
 * - A release with the kernel's lock state saying "held" by someone the graph does not know (code
 *   outside the verified drivers took it) is not reported: a false report is worse than a missed one.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { RULES, type VerifierRule } from '../rules.ts';
import type { VerifierContext } from '../context.ts';
import { LOCK_TYPE_OF, LockGraph, RELEASE_FAMILY, SAVES_IRQL, type HeldLock, type LockApi, type LockEdge, type LockType } from './graph.ts';

/** One lock acquisition as `!deadlock 1` lists it; `stack` is null for the acquisition under way. */
export interface DeadlockAcquisition {
  readonly lock: number;
  readonly stack: readonly number[] | null;
}

/** What Deadlock Detection found, frozen into the dump for `!deadlock`. */
export interface DeadlockReport {
  readonly issue: readonly [number, number, number, number];
  /** The locks involved, in the order they are labelled (A, B, C...). */
  readonly locks: ReadonlyArray<{ readonly address: number; readonly type: LockType }>;
  /** For 0x1001, the cycle: each participant with its acquisitions in order; otherwise the current thread's locks. */
  readonly threads: ReadonlyArray<{ readonly thread: number; readonly acquisitions: readonly DeadlockAcquisition[] }>;
}

/** The nt routines of Deadlock Detection that show on the stack of its stops. */
export const DEADLOCK_ROUTINES = {
  acquire: ['VfDeadlockAcquireResource', 0x8f],
  release: ['VfDeadlockReleaseResource', 0x6b],
  initialize: ['VfDeadlockInitializeResource', 0x3c],
  deleteRange: ['VfDeadlockDeleteMemoryRange', 0x57],
  threadExit: ['VfDeadlockCheckThreadTermination', 0x2e],
} as const;
type Operation = keyof typeof DEADLOCK_ROUTINES;

/** The text of the break (Windows 8.1 and later, a debugger attached) instead of the 0x1001 stop. */
export const DEADLOCK_BREAK_TEXT = [
  '************ Verifier Detected a Potential Deadlock *************',
  '**',
  '** Type !deadlock in the debugger for more information.',
  '**',
  '*****************************************************************',
  '*** Verifier assertion failed ***',
  'g ignores it: the acquisition goes on (the orders stay recorded); q ends the session.',
];

/** Why a release is out of order: both it and the later lock are released by restoring a saved IRQL, or the later one needs the raised IRQL. */
const NEEDS_RAISED_IRQL: ReadonlySet<LockType> = new Set<LockType>(['Spinlock', 'Queued Spinlock', 'Fast Mutex']);

export class DeadlockDetection {
  readonly graph = new LockGraph();
  /** The last issue found, for the dump (a break the user continued past is kept until the next). */
  report?: DeadlockReport;

  constructor(private readonly k: Kernel) {}

  private get thread(): number {
    return this.k.currentThread.address;
  }

  private raise(vf: VerifierContext, op: Operation, thunkFrames: readonly number[], rule: VerifierRule, p2: number, p3: number, p4: number, threads: DeadlockReport['threads'] = []): never {
    this.report = this.reportOf([rule.p1!, p2, p3, p4], threads);
    const [routine, offset] = DEADLOCK_ROUTINES[op];
    return vf.violation(rule, p2, p3, p4, [vf.ntFrame(routine, offset), ...thunkFrames]);
  }

  private reportOf(issue: DeadlockReport['issue'], threads: DeadlockReport['threads']): DeadlockReport {
    const order: number[] = [];
    for (const t of threads) for (const a of t.acquisitions) if (!order.includes(a.lock)) order.push(a.lock);
    const locks = order.map((address) => ({ address, type: this.graph.nodes.get(address)?.type ?? 'Spinlock' }));
    return { issue, locks, threads };
  }

  /** The current thread's held locks, then `lock` being acquired or released now (no stack: the current one). */
  private currentThreadView(lock: number | undefined): DeadlockReport['threads'] {
    const acquisitions: DeadlockAcquisition[] = this.graph.heldBy(this.thread).map((h) => ({ lock: h.lock, stack: h.stack }));
    if (lock !== undefined) acquisitions.push({ lock, stack: null });
    return [{ thread: this.thread, acquisitions }];
  }

  // ---- acquire ------------------------------------------------------------------------------

  /**
   * Before the kernel acquires `lock`: the checks that must stop the machine before it would hang.
   * `mayWait` false for try-acquisitions (no self-deadlock, no order towards the lock).
   */
  beforeAcquire(vf: VerifierContext, frames: readonly number[], lock: number, api: LockApi, mayWait: boolean, uninitialized = false): void {
    const type = LOCK_TYPE_OF[api];
    const known = this.graph.nodes.get(lock);
    if (known && known.type !== type) this.raise(vf, 'acquire', frames, RULES.DeadlockAcquireMismatch, lock, 0, 0, this.currentThreadView(lock));
    if (uninitialized) this.raise(vf, 'acquire', frames, RULES.DeadlockUninitialized, lock, 0, 0, this.currentThreadView(lock));
    this.graph.node(lock, type);
    if (!mayWait) return;
    const mine = this.graph.heldBy(this.thread);
    const again = mine.find((h) => h.lock === lock);
    if (again) {
      const recursive = type === 'Mutex' || (type === 'Resource' && !(api === 'resourceExclusive' && again.api === 'resourceShared' && !this.exclusiveHeld(lock)));
      if (!recursive) this.raise(vf, 'acquire', frames, RULES.DeadlockSelf, lock, 0, 0, this.currentThreadView(lock));
      return;
    }
    for (const h of mine) {
      const path = this.graph.path(lock, h.lock);
      if (path) this.cycle(vf, frames, lock, h, path);
    }
  }

  /** An ERESOURCE the current thread holds exclusively somewhere in its list (shared-then-exclusive recursion is fine then). */
  private exclusiveHeld(lock: number): boolean {
    return this.graph.heldBy(this.thread).some((h) => h.lock === lock && h.api === 'resourceExclusive');
  }

  /** Acquiring `lock` while holding `held`, with the orders `lock` ->* `held` already seen: 0x1001. */
  private cycle(vf: VerifierContext, frames: readonly number[], lock: number, held: HeldLock, path: readonly LockEdge[]): void {
    const threads: Array<{ thread: number; acquisitions: DeadlockAcquisition[] }> = [];
    let last: LockEdge | undefined;
    for (const e of path) {
      // Consecutive orders seen in one run of a thread's held locks are one thread's acquisitions.
      if (last && last.thread === e.thread && last.episode === e.episode && last.to === e.from) {
        threads[threads.length - 1]!.acquisitions.push({ lock: e.to, stack: e.toStack });
      } else {
        threads.push({ thread: e.thread, acquisitions: [{ lock: e.from, stack: e.fromStack }, { lock: e.to, stack: e.toStack }] });
      }
      last = e;
    }
    threads.push({ thread: this.thread, acquisitions: [{ lock: held.lock, stack: held.stack }, { lock, stack: null }] });
    const rule = RULES.DeadlockLockOrder;
    const k = this.k;
    if (!k.kdDebuggerEnabled) this.raise(vf, 'acquire', frames, rule, lock, 0, 0, threads);
    // Windows 8.1 and later: with a debugger attached the verifier asks instead of stopping the machine.
    this.report = this.reportOf([rule.p1!, lock, 0, 0], threads);
    const [routine, offset] = DEADLOCK_ROUTINES.acquire;
    const all = [vf.ntFrame(routine, offset), ...frames];
    k.stacks.frames([...all].reverse(), () =>
      k.debugBreak({ code: rule.code, params: [rule.p1!, lock, 0, 0], message: DEADLOCK_BREAK_TEXT, culprit: { module: vf.driver.name, address: vf.caller(this.cycle) || undefined } }),
    );
  }

  /** The kernel gave the lock: it is held, with the order from every lock the thread already holds. */
  acquired(vf: VerifierContext, lock: number, api: LockApi, stack: readonly number[], orders: boolean): void {
    const mine = this.graph.heldBy(this.thread).find((h) => h.lock === lock);
    if (mine && (LOCK_TYPE_OF[api] === 'Mutex' || LOCK_TYPE_OF[api] === 'Resource')) {
      mine.count++;
      return;
    }
    this.graph.acquired(this.thread, lock, api, stack, vf.driver.name, orders);
  }

  // ---- release ------------------------------------------------------------------------------

  /**
   * Before the kernel releases `lock` for `thread` (the current one unless ExReleaseResourceForThreadLite
   * names another). `heldInKernel` is the kernel's own state: held by anyone.
   */
  beforeRelease(vf: VerifierContext, frames: readonly number[], lock: number, api: LockApi, heldInKernel: boolean, thread = this.thread): void {
    const mine = this.graph.heldBy(thread);
    const entry = [...mine].reverse().find((h) => h.lock === lock);
    if (!entry) {
      const other = this.graph.holders(lock).find((h) => h.thread !== thread);
      if (other && thread === this.thread) this.raise(vf, 'release', frames, RULES.DeadlockWrongThreadRelease, lock, other.thread, this.thread, this.currentThreadView(lock));
      if (!other && !heldInKernel) this.raise(vf, 'release', frames, RULES.DeadlockUnacquiredRelease, lock, 0, 0, this.currentThreadView(lock));
      return;
    }
    if (RELEASE_FAMILY[entry.api] !== RELEASE_FAMILY[api]) this.raise(vf, 'release', frames, RULES.DeadlockReleaseMismatch, lock, 0, 0, this.currentThreadView(lock));
    if (SAVES_IRQL.has(entry.api)) {
      const after = mine.slice(mine.indexOf(entry) + 1).filter((h) => NEEDS_RAISED_IRQL.has(LOCK_TYPE_OF[h.api]));
      const first = after[after.length - 1];
      if (first) this.raise(vf, 'release', frames, RULES.DeadlockOutOfOrderRelease, lock, first.lock, 0, this.currentThreadView(lock));
    }
    if (entry.count > 1) entry.count--;
    else this.graph.released(thread, lock);
  }

  // ---- initialize, delete, exit ---------------------------------------------------------------

  /** KeInitializeSpinLock and friends on a lock a thread holds: 0x1005. */
  beforeInitialize(vf: VerifierContext, frames: readonly number[], lock: number): void {
    if (this.graph.holders(lock).length > 0) this.raise(vf, 'initialize', frames, RULES.DeadlockMultipleInitialization, lock, 0, 0, this.currentThreadView(lock));
  }

  /** Memory [start, end) is going away (pool freed, a resource deleted): an owned lock there is 0x100B; the rest leave the graph. */
  deleteRange(vf: VerifierContext, frames: readonly number[], start: number, end: number): void {
    const owned = this.graph.heldIn(start, end);
    if (owned) this.raise(vf, 'deleteRange', frames, RULES.DeadlockDeletedLockOwned, owned.entry.lock, owned.thread, 0, this.currentThreadView(undefined));
    this.graph.forget(start, end);
  }

  /** PsTerminateSystemThread while the thread owns locks: 0x100A. */
  beforeThreadExit(vf: VerifierContext, frames: readonly number[]): void {
    if (this.graph.heldBy(this.thread).length > 0) this.raise(vf, 'threadExit', frames, RULES.DeadlockThreadHoldsLocks, this.thread, 0, 0, this.currentThreadView(undefined));
  }

  /**
   * Right after a verified driver's DriverUnload: a lock it took that some thread still owns is a
   * lock deleted while owned (0x100B); locks in its image leave the graph.
   */
  onUnloaded(driver: string, start: number, end: number): void {
    const k = this.k;
    const owned = this.graph.allHeld().find((h) => h.entry.driver === driver || (h.entry.lock >= start && h.entry.lock < end));
    if (owned) {
      const rule = RULES.DeadlockDeletedLockOwned;
      this.report = this.reportOf([rule.p1!, owned.entry.lock, owned.thread, 0], [{ thread: owned.thread, acquisitions: this.graph.heldBy(owned.thread).map((h) => ({ lock: h.lock, stack: h.stack })) }]);
      const [routine, offset] = DEADLOCK_ROUTINES.deleteRange;
      k.stacks.frames([k.nt.address(routine, offset)], () =>
        k.bugCheck(rule.code, rule.p1!, owned.entry.lock, owned.thread, 0, undefined, { module: driver, address: owned.entry.stack[0] }),
      );
    }
    this.graph.forget(start, end);
  }
}
