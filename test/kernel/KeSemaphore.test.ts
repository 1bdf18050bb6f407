/** Semaphores and guarded mutexes: counts, waits on the dispatcher, the limit, APC state. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { FAST_MUTEX, KSEMAPHORE } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { expectBugCheck, hex, largeInteger, relativeMs, routine, scratch } from './support.ts';

function semaphore(k: Kernel, count: number, limit: number): number {
  const s = scratch(k, KSEMAPHORE.size);
  k.ddi.KeInitializeSemaphore(s, count, limit);
  return s;
}

test('KSEMAPHORE is a dispatcher header (Type 5, Size in LONGs) with the count as SignalState, then Limit', () => {
  assert.equal(KSEMAPHORE.size, 0x14);
  const k = new Kernel();
  const s = semaphore(k, 2, 5);
  assert.deepEqual([k.as.u8(s), k.as.u8(s + 2), k.as.i32(s + 4), k.as.i32(s + KSEMAPHORE.off.Limit)], [5, 5, 2, 5]);
  assert.equal(k.ddi.KeReadStateSemaphore(s), 2);
});

test('a wait takes one unit; at zero it times out; KeReleaseSemaphore returns the previous count', () => {
  const k = new Kernel();
  const s = semaphore(k, 2, 3);
  assert.equal(k.ddi.KeWaitForSingleObject(s, 0, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.KeWaitForSingleObject(s, 0, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.KeReadStateSemaphore(s), 0);
  assert.equal(k.ddi.KeWaitForSingleObject(s, 0, 0, 0, largeInteger(k, relativeMs(5))), STATUS.TIMEOUT);
  assert.equal(k.ddi.KeReleaseSemaphore(s, 0, 3, 0), 0);
  assert.equal(k.ddi.KeReleaseSemaphore(s, 0, 0, 0), 3);
});

test('a thread waiting on an empty semaphore runs other work until a work item releases it', () => {
  const k = new Kernel();
  const s = semaphore(k, 0, 1);
  const r = routine(k, 1, () => k.ddi.KeReleaseSemaphore(s, 0, 1, 0));
  k.dispatcher.workQueue.push({ routine: r, args: [], frames: [] });
  assert.equal(k.ddi.KeWaitForSingleObject(s, 0, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.KeReadStateSemaphore(s), 0, 'the wait took the unit the work item gave');
});

test('WaitAny over two semaphores takes a unit from the first signaled one only', () => {
  const k = new Kernel();
  const a = semaphore(k, 0, 1);
  const b = semaphore(k, 1, 1);
  const list = scratch(k, 8);
  k.as.setU32(list, a);
  k.as.setU32(list + 4, b);
  assert.equal(k.ddi.KeWaitForMultipleObjects(2, list, 1, 0, 0, 0, 0, 0), STATUS.SUCCESS + 1);
  assert.deepEqual([k.ddi.KeReadStateSemaphore(a), k.ddi.KeReadStateSemaphore(b)], [0, 0]);
});

test('a release past the limit changes nothing and raises STATUS_SEMAPHORE_LIMIT_EXCEEDED: unhandled, 0x1E', () => {
  const k = new Kernel();
  const s = semaphore(k, 1, 2);
  expectBugCheck(() => k.ddi.KeReleaseSemaphore(s, 0, 2, 0), 0x1e, [0xc0000047, 0, 0, 0]);
  assert.equal(k.as.i32(s + 4), 1);
});

test('a waiter nothing can release is a hang, named', () => {
  const k = new Kernel();
  const s = semaphore(k, 0, 1);
  assert.throws(() => k.ddi.KeWaitForSingleObject(s, 0, 0, 0, 0), (e: unknown) => e instanceof HangError && new RegExp(`object ${hex(s).slice(2).padStart(8, '0')}`).test(e.message));
});

test('a guarded mutex is a fast mutex: acquiring raises to APC_LEVEL, release restores it', () => {
  const k = new Kernel();
  const m = scratch(k, FAST_MUTEX.size);
  k.ddi.KeInitializeGuardedMutex(m);
  k.ddi.KeAcquireGuardedMutex(m);
  assert.equal(k.irql, APC_LEVEL);
  assert.equal(hex(k.as.u32(m + FAST_MUTEX.off.Owner)), hex(k.currentThread.address));
  assert.equal(k.ddi.KeTryToAcquireGuardedMutex(m), 0);
  k.ddi.KeReleaseGuardedMutex(m);
  assert.equal(k.irql, PASSIVE_LEVEL);
  assert.equal(k.ddi.KeTryToAcquireGuardedMutex(m), 1);
  k.ddi.KeReleaseGuardedMutex(m);
  assert.equal(k.as.i32(m + FAST_MUTEX.off.Count), 1);
});

test('the Unsafe variants own the mutex without touching IRQL, inside a guarded region', () => {
  const k = new Kernel();
  const m = scratch(k, FAST_MUTEX.size);
  k.ddi.KeInitializeGuardedMutex(m);
  k.ddi.KeEnterGuardedRegion();
  assert.equal(k.currentThread.specialApcDisable, -1);
  assert.equal(k.ddi.KeAreAllApcsDisabled(), 1);
  k.ddi.KeAcquireGuardedMutexUnsafe(m);
  assert.equal(k.irql, PASSIVE_LEVEL);
  assert.equal(k.as.i32(m + FAST_MUTEX.off.Count), 0);
  k.ddi.KeReleaseGuardedMutexUnsafe(m);
  k.ddi.ExAcquireFastMutexUnsafe(m);
  k.ddi.ExReleaseFastMutexUnsafe(m);
  assert.equal(k.as.i32(m + FAST_MUTEX.off.Count), 1);
  k.ddi.KeLeaveGuardedRegion();
  assert.equal(k.ddi.KeAreAllApcsDisabled(), 0);
  assert.equal(k.ddi.KeAreApcsDisabled(), 0);
  k.ddi.KeEnterCriticalRegion();
  assert.deepEqual([k.ddi.KeAreApcsDisabled(), k.ddi.KeAreAllApcsDisabled()], [1, 0], 'a critical region disables normal kernel APCs only');
  k.ddi.KeLeaveCriticalRegion();
});

test('KeAcquireGuardedMutex above APC_LEVEL is a raise to a lower level; a recursive Unsafe acquire waits for itself', () => {
  const k = new Kernel();
  const m = scratch(k, FAST_MUTEX.size);
  k.ddi.KeInitializeGuardedMutex(m);
  k.ddi.KeAcquireGuardedMutexUnsafe(m);
  assert.throws(() => k.ddi.KeAcquireGuardedMutexUnsafe(m), (e: unknown) => e instanceof HangError && /guarded mutex .* already owns/.test(e.message));
  const k2 = new Kernel();
  const m2 = scratch(k2, FAST_MUTEX.size);
  k2.ddi.KeInitializeGuardedMutex(m2);
  k2.ddi.KfRaiseIrql(DISPATCH_LEVEL);
  expectBugCheck(() => k2.ddi.KeAcquireGuardedMutex(m2), 0x09, [0, 0, 0, 0]);
});
