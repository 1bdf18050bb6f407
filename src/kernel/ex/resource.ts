/**
 * Executive resources (ERESOURCE): reader/writer locks with recursive ownership. Who owns a
 * resource, and how many times, is kept here by resource address; the ERESOURCE in driver memory
 * mirrors it (ActiveCount, Flag, OwnerEntry, ActiveEntries, waiter counts) so a debugger or a
 * driver reading the structure sees the state.
 *
 * A thread that cannot have the resource and may wait gives up the processor until it can (other
 * work runs); if nothing left to run can release it, that is a hang, reported as such. Releasing a
 * resource the thread does not own is RESOURCE_NOT_OWNED (0xE3), as on Windows.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { ERESOURCE } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const R = ERESOURCE.off;
/** ERESOURCE.Flag: the owner holds it exclusively. */
const ResourceOwnedExclusive = 0x80;

interface ResourceState {
  /** Owning thread (ERESOURCE_THREAD: the KTHREAD address) -> recursion count. */
  readonly owners: Map<number, number>;
  exclusive: boolean;
  exclusiveWaiters: number;
  sharedWaiters: number;
  contention: number;
}

/** Each machine's resources, in a side table a machine snapshot reaches (system/snapshot/graph.ts), where a closure's Map it could not. */
const tables = new WeakMap<Kernel, Map<number, ResourceState>>();

export function resourceExports(k: Kernel) {
  const as = k.as;
  const resources = new Map<number, ResourceState>();
  tables.set(k, resources);
  const fresh = (): ResourceState => ({ owners: new Map(), exclusive: false, exclusiveWaiters: 0, sharedWaiters: 0, contention: 0 });
  // A resource used without ExInitializeResourceLite (zeroed memory) reads as free, as its zeroed fields say.
  const stateOf = (r: number): ResourceState => {
    let s = resources.get(r);
    if (!s) resources.set(r, (s = fresh()));
    return s;
  };
  const mirror = (r: number, s: ResourceState): void => {
    let active = 0;
    for (const n of s.owners.values()) active += n;
    const [first] = s.owners;
    as.setU16(r + R.ActiveCount, active);
    as.setU16(r + R.Flag, s.exclusive ? ResourceOwnedExclusive : 0);
    as.setU32(r + R['OwnerEntry.OwnerThread'], first ? first[0] : 0);
    as.setU32(r + R['OwnerEntry.OwnerCount'], first ? first[1] : 0);
    as.setU32(r + R.ActiveEntries, s.owners.size);
    as.setU32(r + R.ContentionCount, s.contention);
    as.setU32(r + R.NumberOfSharedWaiters, s.sharedWaiters);
    as.setU32(r + R.NumberOfExclusiveWaiters, s.exclusiveWaiters);
  };
  const me = () => k.currentThread.address;
  const describe = (r: number, how: string) => () => {
    const t = k.currentThread;
    return `thread ${hex(t.address)} (${t.name}) waits forever for ${how} access to resource ${hex(r)}: nothing left to run releases it`;
  };
  /** Wait until `canHave()`, counted as a waiter of `kind`; true once it can, false if the caller would not wait. */
  const waitFor = (r: number, s: ResourceState, kind: 'exclusive' | 'shared', wait: number, canHave: () => boolean): boolean => {
    if (canHave()) return true;
    if (!wait) return false;
    if (s.owners.get(me()) !== undefined && kind === 'exclusive') {
      // Shared owner asking for exclusive: it would wait for itself (WRK: a deadlock, never granted).
      k.hang(`thread ${hex(me())} (${k.currentThread.name}) asks for exclusive access to resource ${hex(r)}, which it holds shared: it waits for itself forever`);
    }
    s.contention++;
    if (kind === 'exclusive') s.exclusiveWaiters++;
    else s.sharedWaiters++;
    mirror(r, s);
    try {
      k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(canHave, describe(r, kind)));
    } finally {
      if (kind === 'exclusive') s.exclusiveWaiters--;
      else s.sharedWaiters--;
    }
    return true;
  };
  const own = (r: number, s: ResourceState, exclusive: boolean): number => {
    const t = me();
    s.owners.set(t, (s.owners.get(t) ?? 0) + 1);
    if (exclusive) s.exclusive = true;
    mirror(r, s);
    return 1;
  };
  /** Shared access. `starve`: ahead of exclusive waiters; `waitForExclusive`: a shared owner too queues behind them. */
  const acquireShared = (Resource: number, Wait: number, mode: 'normal' | 'starve' | 'waitForExclusive'): number => {
    const r = Resource >>> 0;
    const s = stateOf(r);
    const held = s.owners.has(me());
    // A thread that owns the resource gets it again at once (an exclusive owner always).
    if (held && (s.exclusive || mode !== 'waitForExclusive' || s.exclusiveWaiters === 0)) return own(r, s, false);
    const free = () => s.owners.size === 0 || (!s.exclusive && (mode === 'starve' || s.exclusiveWaiters === 0));
    if (!waitFor(r, s, 'shared', Wait, free)) return 0;
    return own(r, s, false);
  };
  const release = (Resource: number, thread: number): void => {
    const r = Resource >>> 0;
    const s = stateOf(r);
    const n = s.owners.get(thread);
    if (n === undefined) {
      k.bugCheck(BUGCHECK.RESOURCE_NOT_OWNED, r, thread, as.u32(r + R.OwnerTable), 0);
    }
    if (n === 1) s.owners.delete(thread);
    else s.owners.set(thread, n - 1);
    if (s.owners.size === 0) s.exclusive = false;
    mirror(r, s);
  };
  return {
    /** Zero the resource and make it free; IRQL <= DISPATCH_LEVEL. */
    ExInitializeResourceLite(Resource: number): number {
      const r = Resource >>> 0;
      as.zero(r, ERESOURCE.size);
      as.setU32(r + R['SystemResourcesList.Flink'], r + R.SystemResourcesList);
      as.setU32(r + R['SystemResourcesList.Blink'], r + R.SystemResourcesList);
      resources.set(r, fresh());
      return STATUS.SUCCESS;
    },
    /** Back to the state ExInitializeResourceLite leaves, owners and waiters forgotten. */
    ExReinitializeResourceLite(Resource: number): number {
      const r = Resource >>> 0;
      resources.set(r, fresh());
      mirror(r, stateOf(r));
      return STATUS.SUCCESS;
    },
    ExDeleteResourceLite(Resource: number): number {
      resources.delete(Resource >>> 0);
      return STATUS.SUCCESS;
    },
    /**
     * TRUE once the caller owns the resource exclusively (recursively if it already did). FALSE
     * without waiting when Wait is FALSE and another thread owns it.
     */
    ExAcquireResourceExclusiveLite(Resource: number, Wait: number): number {
      const r = Resource >>> 0;
      const s = stateOf(r);
      const t = me();
      if (s.exclusive && s.owners.has(t)) return own(r, s, true);
      if (!waitFor(r, s, 'exclusive', Wait, () => s.owners.size === 0)) return 0;
      return own(r, s, true);
    },
    /** Shared access; waits while it is owned exclusively, or while an exclusive waiter queues (no starving writers). */
    ExAcquireResourceSharedLite(Resource: number, Wait: number): number {
      return acquireShared(Resource, Wait, 'normal');
    },
    /** Shared access even ahead of waiting exclusive requests. */
    ExAcquireSharedStarveExclusive(Resource: number, Wait: number): number {
      return acquireShared(Resource, Wait, 'starve');
    },
    /** Shared access, but behind waiting exclusive requests even for a thread that holds it shared. */
    ExAcquireSharedWaitForExclusive(Resource: number, Wait: number): number {
      return acquireShared(Resource, Wait, 'waitForExclusive');
    },
    ExReleaseResourceLite(Resource: number): void {
      release(Resource, me());
    },
    /** Release on behalf of ResourceThreadId (the ERESOURCE_THREAD that acquired it). */
    ExReleaseResourceForThreadLite(Resource: number, ResourceThreadId: number): void {
      release(Resource, ResourceThreadId >>> 0);
    },
    /** The calling thread's hold becomes shared; shared waiters may now have it. */
    ExConvertExclusiveToSharedLite(Resource: number): void {
      const r = Resource >>> 0;
      const s = stateOf(r);
      if (!s.exclusive || !s.owners.has(me())) k.bugCheck(BUGCHECK.RESOURCE_NOT_OWNED, r, me(), as.u32(r + R.OwnerTable), 0);
      s.exclusive = false;
      mirror(r, s);
    },
    ExIsResourceAcquiredExclusiveLite(Resource: number): number {
      const s = stateOf(Resource >>> 0);
      return s.exclusive && s.owners.has(me()) ? 1 : 0;
    },
    /** How many times the calling thread holds the resource (shared or exclusive); 0 if it does not. */
    ExIsResourceAcquiredSharedLite(Resource: number): number {
      return stateOf(Resource >>> 0).owners.get(me()) ?? 0;
    },
    ExGetExclusiveWaiterCount(Resource: number): number {
      return stateOf(Resource >>> 0).exclusiveWaiters;
    },
    ExGetSharedWaiterCount(Resource: number): number {
      return stateOf(Resource >>> 0).sharedWaiters;
    },
    /** KeEnterCriticalRegion, then exclusive access; returns the thread's Win32Thread (none here: NULL). */
    ExEnterCriticalRegionAndAcquireResourceExclusive(Resource: number): number {
      k.currentThread.kernelApcDisable--;
      const r = Resource >>> 0;
      const s = stateOf(r);
      if (!(s.exclusive && s.owners.has(me()))) waitFor(r, s, 'exclusive', 1, () => s.owners.size === 0);
      own(r, s, true);
      return 0;
    },
    ExReleaseResourceAndLeaveCriticalRegion(Resource: number): void {
      release(Resource, me());
      k.currentThread.kernelApcDisable++;
    },
  };
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
