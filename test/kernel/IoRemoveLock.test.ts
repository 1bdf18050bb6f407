/** Remove locks: the count, the bias, STATUS_DELETE_PENDING, and ReleaseAndWait's real wait. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { TICKS_PER_MS } from '../../src/kernel/ke/clock.ts';
import { IO_REMOVE_LOCK, KDPC, KTIMER } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex, relativeMs, routine, scratch } from './support.ts';

const R = IO_REMOVE_LOCK.off;
const SIZE = IO_REMOVE_LOCK.size;

function removeLock(k: Kernel): number {
  const lock = scratch(k, SIZE);
  k.as.fill(lock, SIZE, 0xcc);
  k.ddi.IoInitializeRemoveLockEx(lock, 0x6b636f6c, 0, 0, SIZE);
  return lock;
}
const count = (k: Kernel, lock: number) => k.as.i32(lock + R['Common.IoCount']);

test('IO_REMOVE_LOCK (free build) is 0x18 bytes: Removed, IoCount at 4, the event at 8', () => {
  assert.equal(SIZE, 0x18);
  assert.deepEqual([R['Common.Removed'], R['Common.IoCount'], R['Common.RemoveEvent']], [0, 4, 8]);
});

test('IoInitializeRemoveLockEx: not removed, IoCount 1 (the bias), an unsignaled synchronization event', () => {
  const k = new Kernel();
  const lock = removeLock(k);
  assert.equal(k.as.u8(lock + R['Common.Removed']), 0);
  assert.equal(count(k, lock), 1);
  assert.equal(k.as.u8(lock + R['Common.RemoveEvent']), 1, 'SynchronizationEvent');
  assert.equal(k.as.i32(lock + R['Common.RemoveEvent'] + 4), 0, 'not signaled');
});

test('IoInitializeRemoveLockEx with another RemlockSize (a checked build\'s lock) leaves the memory alone', () => {
  const k = new Kernel();
  const lock = scratch(k, 0x60);
  k.as.fill(lock, 0x60, 0xcc);
  k.ddi.IoInitializeRemoveLockEx(lock, 0, 0, 0, 0x58);
  assert.equal(hex(k.as.u32(lock + R['Common.IoCount'])), '0xcccccccc');
});

test('acquire and release count holds; each acquire succeeds while the lock is not removed', () => {
  const k = new Kernel();
  const lock = removeLock(k);
  assert.equal(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE), STATUS.SUCCESS);
  assert.equal(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE), STATUS.SUCCESS);
  assert.equal(count(k, lock), 3);
  k.ddi.IoReleaseRemoveLockEx(lock, 0, SIZE);
  assert.equal(count(k, lock), 2);
});

test('ReleaseAndWait with no other holder returns at once; then acquire fails with STATUS_DELETE_PENDING and takes no hold', () => {
  const k = new Kernel();
  const lock = removeLock(k);
  assert.equal(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE), STATUS.SUCCESS);
  k.ddi.IoReleaseRemoveLockAndWaitEx(lock, 0, SIZE);
  assert.equal(k.as.u8(lock + R['Common.Removed']), 1);
  assert.equal(count(k, lock), 0);
  assert.equal(hex(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE)), hex(STATUS.DELETE_PENDING));
  assert.equal(count(k, lock), 0);
});

test('ReleaseAndWait waits on the dispatcher until the last holder releases (here a timer DPC 5 ms later)', () => {
  const k = new Kernel();
  const lock = removeLock(k);
  assert.equal(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE), STATUS.SUCCESS, 'the remover');
  assert.equal(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE), STATUS.SUCCESS, 'a request in flight');
  const released: number[] = [];
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(
    dpc,
    routine(k, 1, () => {
      // A request arriving while the remover waits is refused...
      released.push(k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE));
      // ...and the one in flight finishes.
      k.ddi.IoReleaseRemoveLockEx(lock, 0, SIZE);
    }),
    0,
  );
  const timer = scratch(k, KTIMER.size);
  k.ddi.KeInitializeTimer(timer);
  k.ddi.KeSetTimer(timer, relativeMs(5), dpc);
  k.ddi.IoReleaseRemoveLockAndWaitEx(lock, 0, SIZE);
  assert.equal(k.clock.now, 5 * TICKS_PER_MS, 'returned when the DPC released, not before');
  assert.deepEqual(released.map(hex), [hex(STATUS.DELETE_PENDING)]);
  assert.equal(count(k, lock), 0);
});

test('ReleaseAndWait while a hold is never released is a wait that never ends: a hang', () => {
  const k = new Kernel();
  const lock = removeLock(k);
  k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE);
  k.ddi.IoAcquireRemoveLockEx(lock, 0, 0, 0, SIZE);
  assert.throws(() => k.ddi.IoReleaseRemoveLockAndWaitEx(lock, 0, SIZE), (e: unknown) => e instanceof HangError && /waits forever/.test(e.message));
});
