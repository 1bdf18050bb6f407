/** ERESOURCE: exclusive and shared ownership, recursion, waits for contention, the mirror in memory; S-lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { ERESOURCE, SINGLE_LIST_ENTRY, SLIST_HEADER } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { expectBugCheck, hex, routine, scratch } from './support.ts';

const R = ERESOURCE.off;

function resource(k: Kernel): number {
  const r = scratch(k, ERESOURCE.size);
  assert.equal(k.ddi.ExInitializeResourceLite(r), STATUS.SUCCESS);
  return r;
}

test('ERESOURCE is 0x38 bytes (x86): OwnerEntry at 0x18, the waiter counts at 0x28 and 0x2c', () => {
  assert.equal(ERESOURCE.size, 0x38);
  assert.deepEqual([R.ActiveCount, R.Flag, R.OwnerEntry, R.ActiveEntries, R.NumberOfSharedWaiters, R.NumberOfExclusiveWaiters, R.SpinLock], [0xc, 0xe, 0x18, 0x20, 0x28, 0x2c, 0x34]);
});

test('exclusive ownership is recursive and shows in the structure; each acquire needs its release', () => {
  const k = new Kernel();
  const r = resource(k);
  const me = k.currentThread.address;
  assert.equal(k.ddi.ExAcquireResourceExclusiveLite(r, 1), 1);
  assert.equal(k.ddi.ExAcquireResourceExclusiveLite(r, 1), 1);
  assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 1), 1, 'an exclusive owner may also acquire it shared');
  assert.deepEqual([k.as.u16(r + R.ActiveCount), hex(k.as.u16(r + R.Flag)), hex(k.as.u32(r + R['OwnerEntry.OwnerThread'])), k.as.u32(r + R.ActiveEntries)], [3, '0x80', hex(me), 1]);
  assert.equal(k.ddi.ExIsResourceAcquiredExclusiveLite(r), 1);
  assert.equal(k.ddi.ExIsResourceAcquiredSharedLite(r), 3);
  for (let i = 0; i < 3; i++) k.ddi.ExReleaseResourceLite(r);
  assert.deepEqual([k.as.u16(r + R.ActiveCount), k.as.u16(r + R.Flag), k.ddi.ExIsResourceAcquiredSharedLite(r)], [0, 0, 0]);
});

test('another thread holding it exclusively: Wait FALSE fails at once; Wait TRUE waits until a work item releases it for that thread', () => {
  const k = new Kernel();
  const r = resource(k);
  const other = k.workerThread;
  k.runInThread(other, () => assert.equal(k.ddi.ExAcquireResourceExclusiveLite(r, 1), 1));
  assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 0), 0);
  assert.equal(k.ddi.ExAcquireResourceExclusiveLite(r, 0), 0);
  const releaser = routine(k, 1, () => {
    assert.equal(k.ddi.ExGetSharedWaiterCount(r), 1, 'the waiting thread is counted while it waits');
    k.ddi.ExReleaseResourceForThreadLite(r, other.address);
  });
  k.dispatcher.workQueue.push({ routine: releaser, args: [], frames: [] });
  assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 1), 1);
  assert.deepEqual([k.ddi.ExIsResourceAcquiredSharedLite(r), k.ddi.ExGetSharedWaiterCount(r), k.as.u32(r + R.ContentionCount)], [1, 0, 1]);
});

test('shared owners share; a waiting exclusive request holds new shared ones back unless they starve it', () => {
  const k = new Kernel();
  const r = resource(k);
  const other = k.createThread(k.systemProcess, 'reader');
  k.runInThread(other, () => assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 1), 1));
  assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 0), 1, 'two shared owners');
  k.ddi.ExReleaseResourceLite(r);
  // An exclusive request is waiting (as a thread blocked in ExAcquireResourceExclusiveLite would be).
  const probe = routine(k, 2, () => {
    assert.equal(k.ddi.ExGetExclusiveWaiterCount(r), 1);
    assert.equal(k.ddi.ExAcquireResourceSharedLite(r, 0), 0, 'behind the exclusive waiter');
    assert.equal(k.ddi.ExAcquireSharedStarveExclusive(r, 0), 1, 'ahead of it');
    k.ddi.ExReleaseResourceLite(r);
    k.ddi.ExReleaseResourceForThreadLite(r, other.address);
  });
  k.dispatcher.workQueue.push({ routine: probe, args: [], frames: [] });
  assert.equal(k.ddi.ExAcquireResourceExclusiveLite(r, 1), 1);
  assert.equal(k.ddi.ExIsResourceAcquiredExclusiveLite(r), 1);
});

test('ExConvertExclusiveToSharedLite keeps the hold, shared; Reinitialize forgets every owner', () => {
  const k = new Kernel();
  const r = resource(k);
  k.ddi.ExAcquireResourceExclusiveLite(r, 1);
  k.ddi.ExConvertExclusiveToSharedLite(r);
  assert.deepEqual([k.ddi.ExIsResourceAcquiredExclusiveLite(r), k.ddi.ExIsResourceAcquiredSharedLite(r), k.as.u16(r + R.Flag)], [0, 1, 0]);
  assert.equal(k.ddi.ExReinitializeResourceLite(r), STATUS.SUCCESS);
  assert.equal(k.ddi.ExIsResourceAcquiredSharedLite(r), 0);
  assert.equal(k.ddi.ExDeleteResourceLite(r), STATUS.SUCCESS);
});

test('ExEnterCriticalRegionAndAcquireResourceExclusive disables normal kernel APCs until the paired release', () => {
  const k = new Kernel();
  const r = resource(k);
  assert.equal(k.ddi.ExEnterCriticalRegionAndAcquireResourceExclusive(r), 0);
  assert.deepEqual([k.currentThread.kernelApcDisable, k.ddi.ExIsResourceAcquiredExclusiveLite(r)], [-1, 1]);
  k.ddi.ExReleaseResourceAndLeaveCriticalRegion(r);
  assert.deepEqual([k.currentThread.kernelApcDisable, k.ddi.ExIsResourceAcquiredSharedLite(r)], [0, 0]);
});

test('releasing a resource the thread does not own is RESOURCE_NOT_OWNED (0xE3): resource, thread', () => {
  const k = new Kernel();
  const r = resource(k);
  expectBugCheck(() => k.ddi.ExReleaseResourceLite(r), 0xe3, [r, k.currentThread.address, 0, 0]);
});

test('a shared owner asking for exclusive access waits for itself: a hang, named', () => {
  const k = new Kernel();
  const r = resource(k);
  k.ddi.ExAcquireResourceSharedLite(r, 1);
  assert.throws(() => k.ddi.ExAcquireResourceExclusiveLite(r, 1), (e: unknown) => e instanceof HangError && /holds shared/.test(e.message));
});

test('S-lists: push and pop are LIFO, each bumps the sequence; depth; flush returns the chain', () => {
  const k = new Kernel();
  const head = scratch(k, SLIST_HEADER.size);
  k.as.fill(head, SLIST_HEADER.size, 0xff);
  k.ddi.InitializeSListHead(head);
  assert.deepEqual([k.as.u32(head), k.ddi.ExQueryDepthSList(head)], [0, 0]);
  const [a, b, c] = [0, 1, 2].map(() => scratch(k, SINGLE_LIST_ENTRY.size));
  assert.equal(k.ddi.InterlockedPushEntrySList(head, a!), 0);
  assert.equal(k.ddi.ExInterlockedPushEntrySList(head, b!, 0), a);
  assert.equal(k.ddi.InterlockedPushEntrySList(head, c!), b);
  assert.deepEqual([k.ddi.ExQueryDepthSList(head), k.as.u16(head + SLIST_HEADER.off.Sequence)], [3, 3]);
  assert.equal(k.ddi.InterlockedPopEntrySList(head), c);
  assert.equal(k.ddi.ExInterlockedPopEntrySList(head, 0), b);
  assert.deepEqual([k.ddi.ExQueryDepthSList(head), k.as.u16(head + SLIST_HEADER.off.Sequence)], [1, 5]);
  k.ddi.InterlockedPushEntrySList(head, b!);
  assert.equal(k.ddi.ExInterlockedFlushSList(head), b);
  assert.equal(k.as.u32(b!), a, 'the chain is intact');
  assert.deepEqual([k.as.u32(head), k.ddi.ExQueryDepthSList(head), k.ddi.InterlockedPopEntrySList(head)], [0, 0, 0]);
  assert.equal(k.ddi.InterlockedFlushSList(head), 0);
});
