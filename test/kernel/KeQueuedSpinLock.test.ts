/**
 * In-stack queued spin locks: KeAcquireInStackQueuedSpinLock(AtDpcLevel) and their releases, the
 * KLOCK_QUEUE_HANDLE they fill, and what a second acquisition of a held lock does on one processor.
 * No verifier: only what Windows itself does (Deadlock Detection's checks are in test/verifier/rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { KLOCK_QUEUE_HANDLE } from '../../src/nt/layout.ts';
import { expectBugCheck, hex, scratch } from './support.ts';

const Q = KLOCK_QUEUE_HANDLE.off;

test('KLOCK_QUEUE_HANDLE is 12 bytes on x86: the queue entry (Next, Lock), then OldIrql', () => {
  assert.equal(KLOCK_QUEUE_HANDLE.size, 12);
  assert.deepEqual([Q['LockQueue.Next'], Q['LockQueue.Lock'], Q.OldIrql], [0, 4, 8]);
});

test('KeAcquireInStackQueuedSpinLock raises to DISPATCH_LEVEL, saves the IRQL in the handle and points the lock at its queue entry; the release undoes it', () => {
  const k = new Kernel();
  const lock = scratch(k, 4);
  const handle = scratch(k, KLOCK_QUEUE_HANDLE.size);
  k.ddi.KeInitializeSpinLock(lock);
  k.ddi.KeAcquireInStackQueuedSpinLock(lock, handle);
  assert.equal(k.irql, DISPATCH_LEVEL);
  assert.equal(k.as.u8(handle + Q.OldIrql), PASSIVE_LEVEL);
  assert.equal(hex(k.as.u32(handle + Q['LockQueue.Lock'])), hex(lock));
  assert.equal(k.as.u32(handle + Q['LockQueue.Next']), 0, 'no waiter queued behind it');
  assert.equal(hex(k.as.u32(lock)), hex(handle + Q.LockQueue), 'the lock holds the tail of its queue');
  k.ddi.KeReleaseInStackQueuedSpinLock(handle);
  assert.equal(k.irql, PASSIVE_LEVEL);
  assert.equal(k.as.u32(lock), 0, 'free');
});

test('the AtDpcLevel forms leave IRQL alone: taken and released inside an ordinary spin lock', () => {
  const k = new Kernel();
  const outer = scratch(k, 4);
  const lock = scratch(k, 4);
  const handle = scratch(k, KLOCK_QUEUE_HANDLE.size);
  const old = k.ddi.KeAcquireSpinLockRaiseToDpc(outer);
  k.ddi.KeAcquireInStackQueuedSpinLockAtDpcLevel(lock, handle);
  assert.equal(k.irql, DISPATCH_LEVEL);
  assert.notEqual(k.as.u32(lock), 0);
  k.ddi.KeReleaseInStackQueuedSpinLockFromDpcLevel(handle);
  assert.equal(k.irql, DISPATCH_LEVEL);
  assert.equal(k.as.u32(lock), 0);
  k.ddi.KeReleaseSpinLock(outer, old);
  assert.equal(k.irql, PASSIVE_LEVEL);
});

test('a second acquisition of a held queued lock on one processor never returns: DPC watchdog 0x133', () => {
  const k = new Kernel();
  const lock = scratch(k, 4);
  const first = scratch(k, KLOCK_QUEUE_HANDLE.size);
  const second = scratch(k, KLOCK_QUEUE_HANDLE.size);
  k.ddi.KeAcquireInStackQueuedSpinLock(lock, first);
  expectBugCheck(() => k.ddi.KeAcquireInStackQueuedSpinLockAtDpcLevel(lock, second), 0x133, [1, 0x1e00, 0, 0]);
});
