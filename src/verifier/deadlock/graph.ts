/**
 * Deadlock detection's lock graph (lockdep's idea, which Driver Verifier shares): a node per lock,
 * known by its address, and an edge A -> B the first time a thread acquires B while it holds A, with
 * both acquisition stacks. An acquisition that would close a cycle is a potential deadlock the first
 * time both orders have been seen, even if the two never overlapped in time. The graph is the
 * verifier's own metadata, beside the kernel's locks: the kernel never sees it.
 *
 * Pure bookkeeping: the thunks (thunks.ts) decide what to report.
 */

/** What `!deadlock` calls each kind of lock (only 'Spinlock' is seen in Microsoft's samples; the others are this project's). */
export type LockType = 'Spinlock' | 'Queued Spinlock' | 'Fast Mutex' | 'Mutex' | 'Resource';

/**
 * The family of routines a lock was taken with: its release must be of the same family (0x1009), and
 * those that save an IRQL must be released last-in first-out (0x1003).
 */
export type LockApi = 'spinlock' | 'spinlockAtDpc' | 'queued' | 'queuedAtDpc' | 'interrupt' | 'fastMutex' | 'fastMutexUnsafe' | 'mutex' | 'resourceExclusive' | 'resourceShared';

export const LOCK_TYPE_OF: Readonly<Record<LockApi, LockType>> = {
  spinlock: 'Spinlock',
  spinlockAtDpc: 'Spinlock',
  // A KSPIN_LOCK taken as an in-stack queued lock must always be (0x1008 otherwise).
  queued: 'Queued Spinlock',
  queuedAtDpc: 'Queued Spinlock',
  interrupt: 'Spinlock',
  fastMutex: 'Fast Mutex',
  fastMutexUnsafe: 'Fast Mutex',
  mutex: 'Mutex',
  resourceExclusive: 'Resource',
  resourceShared: 'Resource',
};

/** The routines of a family that must be released with a routine of the same family. */
export const RELEASE_FAMILY: Readonly<Record<LockApi, string>> = {
  spinlock: 'spinlock',
  spinlockAtDpc: 'spinlock',
  queued: 'queued',
  queuedAtDpc: 'queued',
  interrupt: 'interrupt',
  fastMutex: 'fastMutex',
  fastMutexUnsafe: 'fastMutexUnsafe',
  mutex: 'mutex',
  resourceExclusive: 'resource',
  resourceShared: 'resource',
};

/** Acquisitions that save the caller's IRQL, to be restored by the release: they nest. */
export const SAVES_IRQL: ReadonlySet<LockApi> = new Set<LockApi>(['spinlock', 'queued', 'interrupt', 'fastMutex']);

export interface LockNode {
  readonly address: number;
  readonly type: LockType;
}

/** One lock a thread holds. */
export interface HeldLock {
  readonly lock: number;
  /** Changes when an ERESOURCE held exclusive is converted to shared. */
  api: LockApi;
  /** The acquisition's stack, the driver's call site first. */
  readonly stack: readonly number[];
  /** The verified driver that took it. */
  readonly driver: string;
  /** Recursive acquisitions (KMUTEX, ERESOURCE) counted on one entry. */
  count: number;
  /** The thread's run of held locks this acquisition belongs to (see `episode`). */
  readonly episode: number;
}

/** An order seen: `to` acquired while `from` was held. */
export interface LockEdge {
  readonly from: number;
  readonly to: number;
  readonly thread: number;
  readonly fromStack: readonly number[];
  readonly toStack: readonly number[];
  /** Edges recorded in one run of the same thread's held locks show as one thread's acquisitions. */
  readonly episode: number;
}

export class LockGraph {
  readonly nodes = new Map<number, LockNode>();
  private readonly edges = new Map<number, Map<number, LockEdge>>();
  private readonly held = new Map<number, HeldLock[]>();
  private episodes = 0;
  private readonly episodeOf = new Map<number, number>();

  node(lock: number, type: LockType): LockNode {
    let n = this.nodes.get(lock);
    if (!n) this.nodes.set(lock, (n = { address: lock, type }));
    return n;
  }

  heldBy(thread: number): readonly HeldLock[] {
    return this.held.get(thread) ?? [];
  }

  /** Every thread holding `lock`, with its entry. */
  holders(lock: number): Array<{ thread: number; entry: HeldLock }> {
    const out: Array<{ thread: number; entry: HeldLock }> = [];
    for (const [thread, list] of this.held) for (const entry of list) if (entry.lock === lock) out.push({ thread, entry });
    return out;
  }

  allHeld(): Array<{ thread: number; entry: HeldLock }> {
    const out: Array<{ thread: number; entry: HeldLock }> = [];
    for (const [thread, list] of this.held) for (const entry of list) out.push({ thread, entry });
    return out;
  }

  /**
   * The path of recorded orders from `from` to `to` (breadth first, so the shortest), or undefined.
   * Acquiring `from` while holding `to` closes a cycle when there is one.
   */
  path(from: number, to: number): LockEdge[] | undefined {
    const back = new Map<number, LockEdge>();
    const queue = [from];
    const seen = new Set([from]);
    while (queue.length > 0) {
      const a = queue.shift()!;
      for (const e of this.edges.get(a)?.values() ?? []) {
        if (seen.has(e.to)) continue;
        seen.add(e.to);
        back.set(e.to, e);
        if (e.to === to) {
          const out: LockEdge[] = [];
          for (let x = to; x !== from; x = back.get(x)!.from) out.unshift(back.get(x)!);
          return out;
        }
        queue.push(e.to);
      }
    }
    return undefined;
  }

  /** The thread now holds `lock`: an edge from each lock it already holds (the first time each order is seen). */
  acquired(thread: number, lock: number, api: LockApi, stack: readonly number[], driver: string, orders: boolean): void {
    const list = this.held.get(thread) ?? [];
    if (list.length === 0) this.episodeOf.set(thread, ++this.episodes);
    const episode = this.episodeOf.get(thread)!;
    if (orders) {
      for (const h of list) {
        if (h.lock === lock) continue;
        let out = this.edges.get(h.lock);
        if (!out) this.edges.set(h.lock, (out = new Map()));
        if (!out.has(lock)) out.set(lock, { from: h.lock, to: lock, thread, fromStack: h.stack, toStack: stack, episode });
      }
    }
    list.push({ lock, api, stack, driver, count: 1, episode });
    this.held.set(thread, list);
  }

  /** Remove the thread's entry for `lock` (the innermost one). */
  released(thread: number, lock: number): void {
    const list = this.held.get(thread);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.lock === lock) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) this.held.delete(thread);
  }

  /** Locks in [start, end) leave the graph (their memory was freed): a later lock there is a new one. */
  forget(start: number, end: number): void {
    // Runs at every verified free: no copies of the maps and no closure (deleting the entry a Map
    // iteration is at is well defined).
    for (const a of this.nodes.keys()) if (a >= start && a < end) this.nodes.delete(a);
    for (const [a, out] of this.edges) {
      if (a >= start && a < end) {
        this.edges.delete(a);
        continue;
      }
      for (const b of out.keys()) if (b >= start && b < end) out.delete(b);
    }
  }

  /** The first lock in [start, end) some thread holds (in allHeld's order), with the thread, or undefined. */
  heldIn(start: number, end: number): { thread: number; entry: HeldLock } | undefined {
    for (const [thread, list] of this.held) for (const entry of list) if (entry.lock >= start && entry.lock < end) return { thread, entry };
    return undefined;
  }
}
