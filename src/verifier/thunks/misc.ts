/**
 * Miscellaneous checks (0x800): at ExFreePool(WithTag), the block freed must hold nothing the kernel
 * still uses — a queued work item (0xE4/0x0), an ERESOURCE not deleted (0xC4/0xD2), a lookaside list
 * not deleted (0xC4/0xCC), a set timer or a queued DPC (0xC7/0x0, 0x1); and a UserMode wait must not
 * be on an object on the kernel stack (0xC4/0x123), which the kernel may page out with the process;
 * a handle of the user's table must not be referenced as KernelMode in the user's process (0xC4/0xF6).
 * And Force IRQL checking's IRQL rules (0x2): KeEnter/LeaveCriticalRegion above APC_LEVEL (0xC4/0x11A,
 * 0x11B), waits above DISPATCH_LEVEL (0x120) or at it with no or a non-zero time-out (0x121, 0x122).
 *
 * The ERESOURCEs and work items are the ones verified drivers set up (the verifier sees their calls);
 * lookaside lists, timers and DPCs come from the kernel's own lists.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import type { WorkItem } from '../../kernel/ke/dispatcher.ts';
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { APC_LEVEL, DISPATCH_LEVEL } from '../../nt/irql.ts';
import { VF } from '../flags.ts';
import { RULES, type VerifierRule } from '../rules.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import { checked } from './frames.ts';

type Fn = (...a: unknown[]) => unknown;
const KERNEL_MODE = 0;
const USER_MODE = 1;

/** What the checks remember across drivers, per machine. */
interface MiscState {
  /** ERESOURCEs initialized by verified drivers and not yet deleted. */
  readonly resources: Set<number>;
  /** Work items verified drivers queued, with the queue entry that is theirs until it runs. */
  readonly workItems: Map<number, WorkItem>;
}
const states = new WeakMap<Kernel, MiscState>();
const stateOf = (k: Kernel): MiscState => {
  let s = states.get(k);
  if (!s) states.set(k, (s = { resources: new Set(), workItems: new Map() }));
  return s;
};

/** The nt routines of the free-time checks, innermost last (Windows' names where its stacks show them). */
export const MISC_ROUTINES = {
  sanity: ['ExFreePoolSanityChecks', 0x5e],
  worker: ['ExpCheckForWorker', 0x3b],
  resource: ['VfCheckForResource', 0x31],
  lookaside: ['VfCheckForLookasideList', 0x2f],
  timer: ['KeCheckForTimer', 0x8e],
} as const;
/** KeCheckForTimer is the unload check's too, and added there. */
export const MISC_THUNK_ROUTINES = [MISC_ROUTINES.sanity[0], MISC_ROUTINES.worker[0], MISC_ROUTINES.resource[0], MISC_ROUTINES.lookaside[0], 'VerifierKeWaitForSingleObject', 'VerifierKeWaitForMultipleObjects', 'VerifierKeEnterCriticalRegion', 'VerifierObReferenceObjectByHandle', 'VerifierKeLeaveCriticalRegion'];

/** 0xC4 stops go through VerifierBugCheckIfAppropriate; 0xC7 and 0xE4 are KeBugCheckEx from the check itself. */
function raise(vf: VerifierContext, outer: readonly number[], check: keyof typeof MISC_ROUTINES, rule: VerifierRule, p2: number, p3: number, p4: number): never {
  const [routine, offset] = MISC_ROUTINES[check];
  const inner = [vf.ntFrame(routine, offset), vf.ntFrame(MISC_ROUTINES.sanity[0], MISC_ROUTINES.sanity[1]), ...outer];
  const frames = rule.code === BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION ? [vf.ntFrame('VerifierBugCheckIfAppropriate', 0x2a), ...inner] : inner;
  return vf.violation(rule, p2, p3, p4, frames);
}

/** Everything the kernel still uses inside [start, start + size) of the block being freed. */
function checkBlock(vf: VerifierContext, outer: readonly number[], start: number, size: number): void {
  const k = vf.k;
  const end = start + size;
  const inside = (a: number) => a >>> 0 >= start && a >>> 0 < end;
  const s = stateOf(k);
  for (const [item, entry] of s.workItems) {
    if (!k.dispatcher.workQueue.includes(entry)) s.workItems.delete(item);
    else if (inside(item)) raise(vf, outer, 'worker', RULES.FreeWithQueuedWorkItem, item, start, size);
  }
  for (const r of s.resources) if (inside(r)) raise(vf, outer, 'resource', RULES.FreeWithActiveResource, r, start, size);
  for (const list of k.lookasideLists.keys()) if (inside(list)) raise(vf, outer, 'lookaside', RULES.FreeWithActiveLookaside, list, start, size);
  for (const t of k.dispatcher.setTimers()) {
    if (inside(t.timer)) raise(vf, outer, 'timer', RULES.FreeWithSetTimer, t.timer, start, end);
    if (t.dpc !== 0 && inside(t.dpc)) raise(vf, outer, 'timer', RULES.FreeWithQueuedDpc, t.dpc, start, end);
  }
  for (const dpc of k.dispatcher.queuedDpcList()) if (inside(dpc)) raise(vf, outer, 'timer', RULES.FreeWithQueuedDpc, dpc, start, end);
}

/** ExFreePool(WithTag): checked before the pool thunks untrack the block (this set runs first). */
const free = (routine: string, offset: number): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const outer = [vf.ntFrame(routine, offset)];
  return ((...args: unknown[]) => {
    const block = vf.flags & VF.MISCELLANEOUS_CHECKS ? vf.k.pool.block((args[0] as number) >>> 0) : undefined;
    if (block) checkBlock(vf, outer, block.address, block.size);
    return (next as Fn)(...args);
  }) as AnyFn;
};

const initResource: ThunkFactory = (next: AnyFn, vf: VerifierContext) =>
  ((resource: number) => {
    const status = (next as Fn)(resource) as number;
    if (status >= 0) stateOf(vf.k).resources.add(resource >>> 0);
    return status;
  }) as AnyFn;

const deleteResource: ThunkFactory = (next: AnyFn, vf: VerifierContext) =>
  ((resource: number) => {
    stateOf(vf.k).resources.delete(resource >>> 0);
    return (next as Fn)(resource);
  }) as AnyFn;

/** Remember the queue entry the call made for the item (the first argument). */
const queueWork: ThunkFactory = (next: AnyFn, vf: VerifierContext) =>
  ((...args: unknown[]) => {
    const q = vf.k.dispatcher.workQueue;
    const before = q.length;
    const result = (next as Fn)(...args);
    if (q.length > before) stateOf(vf.k).workItems.set((args[0] as number) >>> 0, q[q.length - 1]!);
    return result;
  }) as AnyFn;

/** Inside the current thread's kernel stack. */
const onKernelStack = (k: Kernel, a: number): boolean => {
  const t = k.currentThread;
  return a >>> 0 >= t.stackLimit && a >>> 0 < t.stackBase;
};

const userWaitOnStack = (vf: VerifierContext, frames: readonly number[], objects: readonly number[], waitMode: number): void => {
  if (!(vf.flags & VF.MISCELLANEOUS_CHECKS) || (waitMode & 0xff) !== USER_MODE) return;
  for (const o of objects) if (onKernelStack(vf.k, o)) vf.violation(RULES.UserModeWaitOnStackObject, o >>> 0, 0, 0, frames);
};

/**
 * Force IRQL checking: a wait at DISPATCH_LEVEL may only test the object (a zero time-out): no
 * time-out (an infinite wait) is 0xC4/0x121, a non-zero one 0x122; any wait above DISPATCH_LEVEL 0x120.
 */
const waitAtDispatch = (vf: VerifierContext, frames: readonly number[], object: number, timeout: number): void => {
  const irql = vf.k.irql;
  if (!(vf.flags & VF.FORCE_IRQL_CHECKING) || irql < DISPATCH_LEVEL) return;
  if (irql > DISPATCH_LEVEL) vf.violation(RULES.WaitAboveDispatch, irql, object >>> 0, timeout >>> 0, frames);
  if (timeout === 0) vf.violation(RULES.WaitInfiniteAtDispatch, irql, object >>> 0, 0, frames);
  if (vf.k.as.u64(timeout >>> 0) !== 0n) vf.violation(RULES.WaitTimeoutAtDispatch, irql, object >>> 0, timeout >>> 0, frames);
};

/**
 * A handle from a user process's table referenced with KernelMode while in that process: the access
 * check is skipped for a handle the user controls (0xC4/0xF6). Parameter 4: the driver's call.
 */
const userHandleAsKernel = (ddi: string) =>
  checked(ddi, (vf, frames, skip, handle: number, _access: number, _type: number, mode: number) => {
    const k = vf.k;
    if (!(vf.flags & VF.MISCELLANEOUS_CHECKS) || (mode & 0xff) !== KERNEL_MODE) return;
    const owner = k.ob.userProcessOfHandle(handle);
    const process = k.currentThread.process;
    if (owner !== undefined && process !== k.systemProcess && owner === process.address) vf.violation(RULES.UserHandleReferencedAsKernel, handle >>> 0, process.address, vf.caller(skip), frames);
  });

export const miscThunks: ThunkSet = {
  ExFreePoolWithTag: free('VerifierExFreePoolWithTag', 0x1d),
  ExFreePool: free('VerifierExFreePool', 0x10),
  ExInitializeResourceLite: initResource,
  ExDeleteResourceLite: deleteResource,
  ExQueueWorkItem: queueWork,
  IoQueueWorkItem: queueWork,
  IoQueueWorkItemEx: queueWork,
  KeWaitForSingleObject: checked('KeWaitForSingleObject', (vf, frames, _skip, object: number, _reason: number, mode: number, _alertable: number, timeout: number) => {
    waitAtDispatch(vf, frames, object, timeout);
    userWaitOnStack(vf, frames, [object], mode);
  }),
  KeWaitForMultipleObjects: checked('KeWaitForMultipleObjects', (vf, frames, _skip, count: number, array: number, _type: number, _reason: number, mode: number, _alertable: number, timeout: number) => {
    if (count > 64) return;
    const objects = Array.from({ length: count }, (_, i) => vf.k.as.u32(array + 4 * i));
    waitAtDispatch(vf, frames, objects[0] ?? 0, timeout);
    userWaitOnStack(vf, frames, objects, mode);
  }),
  ObReferenceObjectByHandle: userHandleAsKernel('ObReferenceObjectByHandle'),
  KeEnterCriticalRegion: checked('KeEnterCriticalRegion', (vf, frames) => {
    const irql = vf.k.irql;
    if (vf.flags & VF.FORCE_IRQL_CHECKING && irql > APC_LEVEL) vf.violation(RULES.CriticalRegionAboveApc, irql, 0, 0, frames);
  }),
  KeLeaveCriticalRegion: checked('KeLeaveCriticalRegion', (vf, frames) => {
    const irql = vf.k.irql;
    if (vf.flags & VF.FORCE_IRQL_CHECKING && irql > APC_LEVEL) vf.violation(RULES.CriticalRegionLeaveAboveApc, irql, 0, 0, frames);
  }),
};
