/** Fast mutexes, KMUTEX and critical regions. No verifier: only what Windows itself enforces. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { FAST_MUTEX, KMUTANT } from '../../src/nt/layout.ts';
import { expectBugCheck, hex, scratch } from './support.ts';

const F = FAST_MUTEX.off;
const MU = KMUTANT.off;

function fastMutex(k: Kernel): number {
  const m = scratch(k, FAST_MUTEX.size);
  k.ddi.ExInitializeFastMutex(m);
  return m;
}

test('FAST_MUTEX is 0x20 bytes: Count, Owner, Contention, a synchronization KEVENT, OldIrql', () => {
  assert.equal(FAST_MUTEX.size, 0x20);
  assert.deepEqual([F.Count, F.Owner, F.Contention, F.Event, F.OldIrql], [0, 4, 8, 0xc, 0x1c]);
  const k = new Kernel();
  const m = fastMutex(k);
  assert.equal(k.as.i32(m + F.Count), 1, 'free');
  assert.equal(k.as.u32(m + F.Owner), 0);
  assert.equal(k.as.u8(m + F.Event), 1, 'SynchronizationEvent');
  assert.equal(k.as.i32(m + F.Event + 4), 0, 'not signaled');
});

test('ExAcquireFastMutex raises to APC_LEVEL and records the owner and the old IRQL; release restores it', () => {
  const k = new Kernel();
  const m = fastMutex(k);
  k.ddi.ExAcquireFastMutex(m);
  assert.equal(k.irql, APC_LEVEL);
  assert.equal(k.as.i32(m + F.Count), 0);
  assert.equal(hex(k.as.u32(m + F.Owner)), hex(k.currentThread.address));
  assert.equal(k.as.u32(m + F.OldIrql), PASSIVE_LEVEL);
  assert.equal(k.currentThread.kernelApcDisable, 0, 'Windows 8+: the raise keeps APCs out, the count is untouched');
  k.ddi.ExReleaseFastMutex(m);
  assert.equal(k.irql, PASSIVE_LEVEL);
  assert.equal(k.as.i32(m + F.Count), 1);
  assert.equal(k.as.u32(m + F.Owner), 0);
});

test('ExTryToAcquireFastMutex: TRUE and owned when free, FALSE (IRQL unchanged) when owned', () => {
  const k = new Kernel();
  const m = fastMutex(k);
  assert.equal(k.ddi.ExTryToAcquireFastMutex(m), 1);
  assert.equal(k.irql, APC_LEVEL);
  assert.equal(k.ddi.ExTryToAcquireFastMutex(m), 0);
  assert.equal(k.irql, APC_LEVEL);
  k.ddi.ExReleaseFastMutex(m);
  assert.equal(k.irql, PASSIVE_LEVEL);
});

test('ExAcquireFastMutex above APC_LEVEL is a raise to a lower level: IRQL_NOT_GREATER_OR_EQUAL', () => {
  const k = new Kernel();
  const m = fastMutex(k);
  k.ddi.KfRaiseIrql(DISPATCH_LEVEL);
  expectBugCheck(() => k.ddi.ExAcquireFastMutex(m), 0x09, [0, 0, 0, 0]);
});

test('a thread acquiring a fast mutex it owns waits for itself: a hang, reported as such', () => {
  const k = new Kernel();
  const m = fastMutex(k);
  k.ddi.ExAcquireFastMutex(m);
  assert.throws(() => k.ddi.ExAcquireFastMutex(m), (e: unknown) => e instanceof HangError && /already owns/.test(e.message));
});

test('KeInitializeMutex: a free KMUTANT (SignalState 1, no owner, ApcDisable 1)', () => {
  const k = new Kernel();
  const m = scratch(k, KMUTANT.size);
  k.ddi.KeInitializeMutex(m, 0);
  assert.equal(k.as.u8(m), 2, 'MutantObject');
  assert.equal(k.as.i32(m + 4), 1);
  assert.equal(k.as.u32(m + MU.OwnerThread), 0);
  assert.equal(k.as.u8(m + MU.ApcDisable), 1);
  assert.equal(k.ddi.KeReadStateMutex(m), 1);
});

test('waiting on a KMUTEX owns it (recursively) and disables APCs once; KeReleaseMutex undoes both', () => {
  const k = new Kernel();
  const m = scratch(k, KMUTANT.size);
  k.ddi.KeInitializeMutex(m, 0);
  const t = k.currentThread;
  assert.equal(k.ddi.KeWaitForSingleObject(m, 0, 0, 0, 0), 0);
  assert.equal(hex(k.as.u32(m + MU.OwnerThread)), hex(t.address));
  assert.equal(t.kernelApcDisable, -1);
  assert.equal(k.ddi.KeWaitForSingleObject(m, 0, 0, 0, 0), 0, 'the owner may wait again');
  assert.equal(k.as.i32(m + 4), -1);
  assert.equal(t.kernelApcDisable, -1, 'only the first acquire disables APCs');
  assert.equal(k.ddi.KeReleaseMutex(m, 0), -1);
  assert.equal(k.ddi.KeReleaseMutex(m, 0), 0);
  assert.equal(k.as.u32(m + MU.OwnerThread), 0);
  assert.equal(t.kernelApcDisable, 0);
});

test('KeReleaseMutex by a thread that does not own the mutex raises STATUS_MUTANT_NOT_OWNED', () => {
  const k = new Kernel();
  const m = scratch(k, KMUTANT.size);
  k.ddi.KeInitializeMutex(m, 0);
  expectBugCheck(() => k.ddi.KeReleaseMutex(m, 0), 0x1e, [0xc0000046, 0, 0, 0]);
});

test('KeEnterCriticalRegion / KeLeaveCriticalRegion move the thread APC-disable count', () => {
  const k = new Kernel();
  k.ddi.KeEnterCriticalRegion();
  k.ddi.KeEnterCriticalRegion();
  assert.equal(k.currentThread.kernelApcDisable, -2);
  k.ddi.KeLeaveCriticalRegion();
  k.ddi.KeLeaveCriticalRegion();
  assert.equal(k.currentThread.kernelApcDisable, 0);
});
