/**
 * Deadlock Detection's thunks (option 0x20): every acquisition and release of a lock by a verified
 * driver goes through the lock graph (detector.ts). Spin locks (KeAcquireSpinLock and its variants,
 * in-stack queued spin locks, the interrupt spin lock and KeSynchronizeExecution), fast and guarded mutexes, KMUTEX (a wait on a
 * mutex object, KeReleaseMutex) and ERESOURCE. Device deletion takes the locks in the freed memory out
 * of the graph (pool frees do it in the pool thunks' verifiedFree, which lookaside frees share);
 * PsTerminateSystemThread checks the thread holds none.
 *
 * With the option off each factory returns the DDI it was given: nothing runs.
 */
import { DISPATCHER_HEADER, ERESOURCE, FAST_MUTEX, KLOCK_QUEUE_HANDLE, KMUTANT, DEVICE_OBJECT } from '../../nt/layout.ts';
import { OBJECT_TYPE } from '../../kernel/ke/dispatcher.ts';
import { STATUS } from '../../nt/status.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import { thunkFrame, thunkRoutines } from '../thunks/frames.ts';
import type { LockApi } from './graph.ts';
import { DEADLOCK_ROUTINES } from './detector.ts';

type Frames = readonly number[];
type Body = (vf: VerifierContext, frames: Frames, next: AnyFn, skip: Function, args: number[]) => unknown;

const H = DISPATCHER_HEADER.off;
const F = FAST_MUTEX.off;
const MU = KMUTANT.off;
const R = ERESOURCE.off;

/** A thunk of `ddi` that runs `body` (the verifier wraps it only with the option on). */
function deadlockThunk(ddi: string, body: Body): ThunkFactory {
  return (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, ddi)];
    const thunk = (...args: number[]): unknown => body(vf, frames, next, thunk, args);
    return thunk as AnyFn;
  };
}

const call = (next: AnyFn, args: readonly unknown[]): unknown => (next as (...a: unknown[]) => unknown)(...args);
/** The acquisition's stack, from the driver's call site down. */
const stackOf = (vf: VerifierContext, skip: Function) => vf.captureStack([], skip);

/** Check, acquire through the kernel, record. `lockOf` maps the DDI's arguments to the lock. */
function acquire(ddi: string, api: LockApi, opts: { lockOf?: (vf: VerifierContext, a: number[]) => number; tryResult?: boolean; uninitialized?: (vf: VerifierContext, lock: number) => boolean } = {}): ThunkFactory {
  return deadlockThunk(ddi, (vf, frames, next, skip, args) => {
    const lock = (opts.lockOf ? opts.lockOf(vf, args) : args[0]!) >>> 0;
    const mayWait = !opts.tryResult;
    vf.deadlock.beforeAcquire(vf, frames, lock, api, mayWait, opts.uninitialized?.(vf, lock) ?? false);
    const stack = stackOf(vf, skip);
    const result = call(next, args);
    if (!opts.tryResult || result) vf.deadlock.acquired(vf, lock, api, stack, mayWait);
    return result;
  });
}

/** Check and forget the hold, then release through the kernel. */
function release(ddi: string, api: LockApi, heldInKernel: (vf: VerifierContext, lock: number) => boolean, lockOf?: (vf: VerifierContext, a: number[]) => number): ThunkFactory {
  return deadlockThunk(ddi, (vf, frames, next, _skip, args) => {
    const lock = (lockOf ? lockOf(vf, args) : args[0]!) >>> 0;
    // A handle that names no lock (never used for an acquisition): nothing to check, the kernel does what it does.
    if (lock === 0) return call(next, args);
    vf.deadlock.beforeRelease(vf, frames, lock, api, heldInKernel(vf, lock));
    forgetIfOnStack(vf, lock);
    return call(next, args);
  });
}

/** A lock on the current thread's stack that nobody holds leaves the graph: its frame will be reused. */
function forgetIfOnStack(vf: VerifierContext, lock: number): void {
  const s = vf.k.currentStack();
  if (lock >= s.limit && lock < s.base && vf.deadlock.graph.holders(lock).length === 0) vf.deadlock.graph.forget(lock, lock + 1);
}

const initialize = (ddi: string): ThunkFactory =>
  deadlockThunk(ddi, (vf, frames, next, _skip, args) => {
    vf.deadlock.beforeInitialize(vf, frames, args[0]! >>> 0);
    return call(next, args);
  });

// ---- what the kernel says of each kind of lock ----------------------------------------------------

const spinLockHeld = (vf: VerifierContext, lock: number) => vf.k.as.u32(lock) !== 0;
const fastMutexHeld = (vf: VerifierContext, m: number) => vf.k.as.i32(m + F.Count) !== 1;
const mutexHeld = (vf: VerifierContext, m: number) => vf.k.as.u32(m + MU.OwnerThread) !== 0;
const resourceHeld = (vf: VerifierContext, r: number) => vf.k.as.u16(r + R.ActiveCount) !== 0;
/** ExInitializeFastMutex makes its event a synchronization event; zeroed memory is not one. */
const fastMutexUninitialized = (vf: VerifierContext, m: number) => vf.k.as.u8(m + F.Event + H.Type) !== OBJECT_TYPE.EventSynchronization;
/** The interrupt spin lock: the object's own, or the one the driver gave IoConnectInterrupt. */
const interruptLock = (vf: VerifierContext, a: number[]) => vf.k.hal.interrupts.get(a[0]! >>> 0)?.spinLock ?? a[0]! >>> 0;
/** The lock an in-stack queued release names: the one its handle's queue entry holds. */
const queuedLock = (vf: VerifierContext, a: number[]) => vf.k.as.u32((a[0]! >>> 0) + KLOCK_QUEUE_HANDLE.off['LockQueue.Lock']);
const isMutex = (vf: VerifierContext, object: number) => vf.k.as.u8(object + H.Type) === OBJECT_TYPE.Mutant;

// ---- KMUTEX: a wait on a mutex object acquires it -------------------------------------------------

const waitForSingle = deadlockThunk('KeWaitForSingleObject', (vf, frames, next, skip, args) => {
  const object = args[0]! >>> 0;
  if (!isMutex(vf, object)) return call(next, args);
  // A zero time-out only polls: like a try-acquisition it cannot wait, so it adds no order.
  const timeout = args[4]! >>> 0;
  const mayWait = timeout === 0 || vf.k.as.u64(timeout) !== 0n;
  vf.deadlock.beforeAcquire(vf, frames, object, 'mutex', mayWait);
  const stack = stackOf(vf, skip);
  const status = call(next, args) as number;
  if (status === STATUS.SUCCESS) vf.deadlock.acquired(vf, object, 'mutex', stack, mayWait);
  return status;
});

/** WaitAll acquires every mutex of the array; WaitAny the one its status names (checked once it is known). */
const waitForMultiple = deadlockThunk('KeWaitForMultipleObjects', (vf, frames, next, skip, args) => {
  const [count = 0, array = 0, waitType = 0] = args;
  const objects = Array.from({ length: count >>> 0 }, (_, i) => vf.k.as.u32((array >>> 0) + 4 * i));
  const mutexes = objects.filter((o) => isMutex(vf, o));
  if (mutexes.length === 0) return call(next, args);
  const waitAll = waitType === 0;
  const timeout = args[6]! >>> 0;
  const mayWait = timeout === 0 || vf.k.as.u64(timeout) !== 0n;
  if (waitAll) for (const m of mutexes) vf.deadlock.beforeAcquire(vf, frames, m, 'mutex', mayWait);
  const stack = stackOf(vf, skip);
  const status = call(next, args) as number;
  if (waitAll && status === STATUS.SUCCESS) for (const m of mutexes) vf.deadlock.acquired(vf, m, 'mutex', stack, mayWait);
  if (!waitAll && status >= 0 && status < objects.length && isMutex(vf, objects[status]!)) {
    vf.deadlock.beforeAcquire(vf, frames, objects[status]!, 'mutex', mayWait);
    vf.deadlock.acquired(vf, objects[status]!, 'mutex', stack, mayWait);
  }
  return status;
});

// ---- ERESOURCE ----------------------------------------------------------------------------------

const acquireResource = (ddi: string, api: LockApi): ThunkFactory =>
  deadlockThunk(ddi, (vf, frames, next, skip, args) => {
    const r = args[0]! >>> 0;
    const wait = args.length < 2 || args[1] !== 0;
    vf.deadlock.beforeAcquire(vf, frames, r, api, wait);
    const stack = stackOf(vf, skip);
    const result = call(next, args);
    // ExEnterCriticalRegionAndAcquireResourceExclusive returns a pointer, not a BOOLEAN: it always acquires.
    if (args.length < 2 || result) vf.deadlock.acquired(vf, r, api, stack, wait);
    return result;
  });

const releaseResourceForThread = deadlockThunk('ExReleaseResourceForThreadLite', (vf, frames, next, _skip, args) => {
  const r = args[0]! >>> 0;
  vf.deadlock.beforeRelease(vf, frames, r, 'resourceExclusive', resourceHeld(vf, r), args[1]! >>> 0);
  return call(next, args);
});

const convertToShared = deadlockThunk('ExConvertExclusiveToSharedLite', (vf, _frames, next, _skip, args) => {
  const entry = vf.deadlock.graph.heldBy(vf.k.currentThread.address).find((h) => h.lock === args[0]! >>> 0);
  if (entry) entry.api = 'resourceShared';
  return call(next, args);
});

const deleteResource = deadlockThunk('ExDeleteResourceLite', (vf, frames, next, _skip, args) => {
  const r = args[0]! >>> 0;
  vf.deadlock.deleteRange(vf, frames, r, r + ERESOURCE.size);
  return call(next, args);
});

// ---- memory going away, threads ending ----------------------------------------------------------

/** IoDeleteDevice frees the device object with its extension: locks in the extension go with it. */
const deleteDevice = deadlockThunk('IoDeleteDevice', (vf, frames, next, _skip, args) => {
  const device = args[0]! >>> 0;
  // DEVICE_OBJECT.Size covers the object and its extension.
  vf.deadlock.deleteRange(vf, frames, device, device + Math.max(vf.k.as.u16(device + DEVICE_OBJECT.off.Size), DEVICE_OBJECT.size));
  return call(next, args);
});

const terminateThread = deadlockThunk('PsTerminateSystemThread', (vf, frames, next, _skip, args) => {
  vf.deadlock.beforeThreadExit(vf, frames);
  return call(next, args);
});

/** KeSynchronizeExecution holds the interrupt spin lock while its routine runs. */
const synchronizeExecution = deadlockThunk('KeSynchronizeExecution', (vf, frames, next, skip, args) => {
  const lock = interruptLock(vf, args);
  vf.deadlock.beforeAcquire(vf, frames, lock, 'interrupt', true);
  vf.deadlock.acquired(vf, lock, 'interrupt', stackOf(vf, skip), true);
  try {
    return call(next, args);
  } finally {
    if (!vf.k.halted) vf.deadlock.graph.released(vf.k.currentThread.address, lock);
  }
});

export const deadlockThunks: ThunkSet = {
  KeInitializeSpinLock: initialize('KeInitializeSpinLock'),
  KeAcquireSpinLock: acquire('KeAcquireSpinLock', 'spinlock'),
  KeAcquireSpinLockRaiseToDpc: acquire('KeAcquireSpinLockRaiseToDpc', 'spinlock'),
  KfAcquireSpinLock: acquire('KfAcquireSpinLock', 'spinlock'),
  KeAcquireSpinLockAtDpcLevel: acquire('KeAcquireSpinLockAtDpcLevel', 'spinlockAtDpc'),
  KeReleaseSpinLock: release('KeReleaseSpinLock', 'spinlock', spinLockHeld),
  KfReleaseSpinLock: release('KfReleaseSpinLock', 'spinlock', spinLockHeld),
  KeReleaseSpinLockFromDpcLevel: release('KeReleaseSpinLockFromDpcLevel', 'spinlockAtDpc', spinLockHeld),
  KeAcquireInStackQueuedSpinLock: acquire('KeAcquireInStackQueuedSpinLock', 'queued'),
  KeAcquireInStackQueuedSpinLockAtDpcLevel: acquire('KeAcquireInStackQueuedSpinLockAtDpcLevel', 'queuedAtDpc'),
  KeReleaseInStackQueuedSpinLock: release('KeReleaseInStackQueuedSpinLock', 'queued', spinLockHeld, queuedLock),
  KeReleaseInStackQueuedSpinLockFromDpcLevel: release('KeReleaseInStackQueuedSpinLockFromDpcLevel', 'queuedAtDpc', spinLockHeld, queuedLock),
  KeAcquireInterruptSpinLock: acquire('KeAcquireInterruptSpinLock', 'interrupt', { lockOf: interruptLock }),
  KeReleaseInterruptSpinLock: release('KeReleaseInterruptSpinLock', 'interrupt', (vf, lock) => spinLockHeld(vf, lock), interruptLock),
  KeSynchronizeExecution: synchronizeExecution,

  ExInitializeFastMutex: initialize('ExInitializeFastMutex'),
  ExAcquireFastMutex: acquire('ExAcquireFastMutex', 'fastMutex', { uninitialized: fastMutexUninitialized }),
  ExTryToAcquireFastMutex: acquire('ExTryToAcquireFastMutex', 'fastMutex', { tryResult: true, uninitialized: fastMutexUninitialized }),
  ExReleaseFastMutex: release('ExReleaseFastMutex', 'fastMutex', fastMutexHeld),
  ExAcquireFastMutexUnsafe: acquire('ExAcquireFastMutexUnsafe', 'fastMutexUnsafe', { uninitialized: fastMutexUninitialized }),
  ExReleaseFastMutexUnsafe: release('ExReleaseFastMutexUnsafe', 'fastMutexUnsafe', fastMutexHeld),
  KeInitializeGuardedMutex: initialize('KeInitializeGuardedMutex'),
  KeAcquireGuardedMutex: acquire('KeAcquireGuardedMutex', 'fastMutex', { uninitialized: fastMutexUninitialized }),
  KeTryToAcquireGuardedMutex: acquire('KeTryToAcquireGuardedMutex', 'fastMutex', { tryResult: true, uninitialized: fastMutexUninitialized }),
  KeReleaseGuardedMutex: release('KeReleaseGuardedMutex', 'fastMutex', fastMutexHeld),
  KeAcquireGuardedMutexUnsafe: acquire('KeAcquireGuardedMutexUnsafe', 'fastMutexUnsafe', { uninitialized: fastMutexUninitialized }),
  KeReleaseGuardedMutexUnsafe: release('KeReleaseGuardedMutexUnsafe', 'fastMutexUnsafe', fastMutexHeld),

  KeInitializeMutex: initialize('KeInitializeMutex'),
  KeWaitForSingleObject: waitForSingle,
  KeWaitForMultipleObjects: waitForMultiple,
  KeReleaseMutex: release('KeReleaseMutex', 'mutex', mutexHeld),

  ExInitializeResourceLite: initialize('ExInitializeResourceLite'),
  ExReinitializeResourceLite: initialize('ExReinitializeResourceLite'),
  ExAcquireResourceExclusiveLite: acquireResource('ExAcquireResourceExclusiveLite', 'resourceExclusive'),
  ExEnterCriticalRegionAndAcquireResourceExclusive: acquireResource('ExEnterCriticalRegionAndAcquireResourceExclusive', 'resourceExclusive'),
  ExAcquireResourceSharedLite: acquireResource('ExAcquireResourceSharedLite', 'resourceShared'),
  ExAcquireSharedWaitForExclusive: acquireResource('ExAcquireSharedWaitForExclusive', 'resourceShared'),
  ExReleaseResourceLite: release('ExReleaseResourceLite', 'resourceExclusive', resourceHeld),
  ExReleaseResourceAndLeaveCriticalRegion: release('ExReleaseResourceAndLeaveCriticalRegion', 'resourceExclusive', resourceHeld),
  ExReleaseResourceForThreadLite: releaseResourceForThread,
  ExConvertExclusiveToSharedLite: convertToShared,
  ExDeleteResourceLite: deleteResource,

  IoDeleteDevice: deleteDevice,
  PsTerminateSystemThread: terminateThread,
};

/** nt routines the set's stops show: the thunks, then Deadlock Detection's own. */
export const DEADLOCK_THUNK_ROUTINES = [...thunkRoutines(deadlockThunks), ...Object.values(DEADLOCK_ROUTINES).map(([name]) => name)];
