/** IRQL (KeRaiseIrql/KeLowerIrql and friends) and executive spin locks. No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { APC_LEVEL, DISPATCH_LEVEL, HIGH_LEVEL, PASSIVE_LEVEL, PROFILE_LEVEL } from '../../src/nt/irql.ts';
import { KDPC, KSPIN_LOCK } from '../../src/nt/layout.ts';
import { expectBugCheck, hex, routine, scratch } from './support.ts';

/** A DPC whose routine records the IRQL it ran at. */
function recordingDpc(k: Kernel) {
  const ran: number[] = [];
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 1, () => ran.push(k.ddi.KeGetCurrentIrql())), 0);
  return { dpc, ran };
}

test('a new kernel runs at PASSIVE_LEVEL', () => {
  const k = new Kernel();
  assert.equal(k.ddi.KeGetCurrentIrql(), PASSIVE_LEVEL);
});

test('KeRaiseIrql stores the old IRQL (one byte) at *OldIrql; KeLowerIrql restores it', () => {
  const k = new Kernel();
  const old = scratch(k, 4);
  k.as.setU32(old, 0xaaaaaaaa);
  k.ddi.KeRaiseIrql(APC_LEVEL, old);
  k.ddi.KeRaiseIrql(DISPATCH_LEVEL, old + 1);
  assert.equal(k.ddi.KeGetCurrentIrql(), DISPATCH_LEVEL);
  assert.equal(hex(k.as.u32(old)), hex(0xaaaa0100), 'KIRQL is a UCHAR: only one byte written each time');
  k.ddi.KeLowerIrql(k.as.u8(old + 1));
  assert.equal(k.ddi.KeGetCurrentIrql(), APC_LEVEL);
  k.ddi.KeLowerIrql(k.as.u8(old));
  assert.equal(k.ddi.KeGetCurrentIrql(), PASSIVE_LEVEL);
});

test('KfRaiseIrql and KeRaiseIrqlToDpcLevel return the previous IRQL', () => {
  const k = new Kernel();
  assert.equal(k.ddi.KeRaiseIrqlToDpcLevel(), PASSIVE_LEVEL);
  assert.equal(k.ddi.KfRaiseIrql(PROFILE_LEVEL), DISPATCH_LEVEL);
  assert.equal(k.ddi.KfRaiseIrql(HIGH_LEVEL), PROFILE_LEVEL);
  k.ddi.KfLowerIrql(DISPATCH_LEVEL);
  assert.equal(k.ddi.KeGetCurrentIrql(), DISPATCH_LEVEL);
});

test('a DPC queued at DISPATCH_LEVEL runs only when IRQL drops below DISPATCH_LEVEL, and at DISPATCH_LEVEL', () => {
  const k = new Kernel();
  const { dpc, ran } = recordingDpc(k);
  k.ddi.KfRaiseIrql(HIGH_LEVEL);
  assert.equal(k.ddi.KeInsertQueueDpc(dpc, 0, 0), 1);
  k.ddi.KfLowerIrql(DISPATCH_LEVEL);
  assert.deepEqual(ran, [], 'still masked at DISPATCH_LEVEL');
  k.ddi.KfLowerIrql(PASSIVE_LEVEL);
  assert.deepEqual(ran, [DISPATCH_LEVEL], 'delivered by the DISPATCH software interrupt on lowering');
  assert.equal(k.ddi.KeGetCurrentIrql(), PASSIVE_LEVEL, 'IRQL back where the caller put it');
});

test('KeAcquireSpinLock raises to DISPATCH_LEVEL, saves the old IRQL and marks the lock busy; release undoes both', () => {
  const k = new Kernel();
  const lock = scratch(k, KSPIN_LOCK.size);
  const old = scratch(k, 1);
  k.as.setU32(lock, 0xffffffff);
  k.ddi.KeInitializeSpinLock(lock);
  assert.equal(k.as.u32(lock), 0, 'KeInitializeSpinLock: a free lock is 0');
  k.ddi.KeAcquireSpinLock(lock, old);
  assert.equal(k.ddi.KeGetCurrentIrql(), DISPATCH_LEVEL);
  assert.equal(k.as.u8(old), PASSIVE_LEVEL);
  assert.notEqual(k.as.u32(lock), 0, 'a held lock is non-zero');
  k.ddi.KeReleaseSpinLock(lock, k.as.u8(old));
  assert.equal(k.as.u32(lock), 0);
  assert.equal(k.ddi.KeGetCurrentIrql(), PASSIVE_LEVEL);
});

test('KeAcquireSpinLockRaiseToDpc / KfAcquireSpinLock return the old IRQL; KfReleaseSpinLock restores it', () => {
  const k = new Kernel();
  const a = scratch(k, 4);
  const b = scratch(k, 4);
  k.ddi.KeInitializeSpinLock(a);
  k.ddi.KeInitializeSpinLock(b);
  k.ddi.KfRaiseIrql(APC_LEVEL);
  assert.equal(k.ddi.KeAcquireSpinLockRaiseToDpc(a), APC_LEVEL);
  assert.equal(k.ddi.KfAcquireSpinLock(b), DISPATCH_LEVEL);
  k.ddi.KfReleaseSpinLock(b, DISPATCH_LEVEL);
  assert.equal(k.as.u32(b), 0);
  k.ddi.KfReleaseSpinLock(a, APC_LEVEL);
  assert.equal(k.ddi.KeGetCurrentIrql(), APC_LEVEL);
});

test('KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel take the lock without changing IRQL', () => {
  const k = new Kernel();
  const lock = scratch(k, 4);
  k.ddi.KeInitializeSpinLock(lock);
  k.ddi.KeRaiseIrqlToDpcLevel();
  k.ddi.KeAcquireSpinLockAtDpcLevel(lock);
  assert.notEqual(k.as.u32(lock), 0);
  assert.equal(k.ddi.KeGetCurrentIrql(), DISPATCH_LEVEL);
  k.ddi.KeReleaseSpinLockFromDpcLevel(lock);
  assert.equal(k.as.u32(lock), 0);
  assert.equal(k.ddi.KeGetCurrentIrql(), DISPATCH_LEVEL);
});

test('a DPC queued while a spin lock is held runs when KeReleaseSpinLock lowers IRQL', () => {
  const k = new Kernel();
  const lock = scratch(k, 4);
  k.ddi.KeInitializeSpinLock(lock);
  const { dpc, ran } = recordingDpc(k);
  const old = k.ddi.KfAcquireSpinLock(lock);
  k.ddi.KeInsertQueueDpc(dpc, 0, 0);
  assert.deepEqual(ran, []);
  k.ddi.KfReleaseSpinLock(lock, old);
  assert.deepEqual(ran, [DISPATCH_LEVEL]);
});

test('re-acquiring a held spin lock on one processor never returns: DPC watchdog 0x133 (P1 1 = the cumulative time-out at DISPATCH_LEVEL)', () => {
  // Windows spins until the DPC watchdog fires; the simulator gives that verdict at once, with the time it would take.
  const k = new Kernel();
  const lock = scratch(k, 4);
  k.ddi.KeInitializeSpinLock(lock);
  const old = k.ddi.KfAcquireSpinLock(lock);
  assert.equal(old, PASSIVE_LEVEL);
  expectBugCheck(() => k.ddi.KeAcquireSpinLockAtDpcLevel(lock), 0x133, [1, 0x1e00, 0, 0]);
  assert.ok(k.clock.now >= 0x1e00 * 156_250, 'the watchdog period passed while it spun');
});

test('re-acquiring a held spin lock inside a DPC: 0x133 P1 0, the single-DPC time-out (P2 the DPC time, P3 the 0x500-tick allotment)', () => {
  const k = new Kernel();
  const lock = scratch(k, 4);
  k.ddi.KeInitializeSpinLock(lock);
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 2, () => k.ddi.KeAcquireSpinLockAtDpcLevel(lock)), 0);
  k.ddi.KeAcquireSpinLockAtDpcLevel(lock);
  expectBugCheck(() => k.ddi.KeInsertQueueDpc(dpc, 0, 0), 0x133, [0, 0x501, 0x500, 0]);
});

test('KeRaiseIrql to a level below the current IRQL is a bug check', () => {
  // KeRaiseIrql reference: "If the new IRQL is less than the current IRQL, a bug check occurs." The HALs raise
  // IRQL_NOT_GREATER_OR_EQUAL (0x9); its parameters are not documented, so only the code is checked.
  const k = new Kernel();
  const old = scratch(k, 1);
  k.ddi.KeRaiseIrqlToDpcLevel();
  let caught: unknown;
  try {
    k.ddi.KeRaiseIrql(PASSIVE_LEVEL, old);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BugCheck, `expected a bug check; IRQL is now ${k.ddi.KeGetCurrentIrql()}`);
  assert.equal(hex(caught.code), hex(0x9));
});

test('KfRaiseIrql to a lower level is IRQL_NOT_GREATER_OR_EQUAL (0x9) too; raising to the current level is allowed', () => {
  // The HAL raises it with KeBugCheck: no parameters.
  const k = new Kernel();
  assert.equal(k.ddi.KfRaiseIrql(DISPATCH_LEVEL), PASSIVE_LEVEL);
  assert.equal(k.ddi.KfRaiseIrql(DISPATCH_LEVEL), DISPATCH_LEVEL, 'same level: no change');
  expectBugCheck(() => k.ddi.KfRaiseIrql(APC_LEVEL), BUGCHECK.IRQL_NOT_GREATER_OR_EQUAL, [0, 0, 0, 0]);
});
