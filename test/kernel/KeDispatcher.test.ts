/** Dispatcher objects, waits, DPCs, timers and the simulated clock. No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { KDPC, KEVENT, KTIMER, WORK_QUEUE_ITEM } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex, largeInteger, relativeMs, routine, scratch } from './support.ts';

const H = KEVENT.off;
const D = KDPC.off;
const T = KTIMER.off;
const MS = 10_000; // 100 ns units per millisecond
const NotificationEvent = 0;
const SynchronizationEvent = 1;

function event(k: Kernel, type: number, signaled: boolean): number {
  const e = scratch(k, KEVENT.size);
  k.ddi.KeInitializeEvent(e, type, signaled ? 1 : 0);
  return e;
}

const wait = (k: Kernel, object: number, timeout?: bigint) =>
  k.ddi.KeWaitForSingleObject(object, 0, 0, 0, timeout === undefined ? 0 : largeInteger(k, timeout));

const delay = (k: Kernel, ms: number) => k.ddi.KeDelayExecutionThread(0, 0, largeInteger(k, relativeMs(ms)));

/** A DPC whose routine logs [clock, ...args] on each run. */
function loggingDpc(k: Kernel, n: number, context = 0) {
  const log: number[][] = [];
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, n, (...args) => log.push([k.clock.now, k.ddi.KeGetCurrentIrql(), ...args])), context);
  return { dpc, log };
}

function timer(k: Kernel, type?: number): number {
  const t = scratch(k, KTIMER.size);
  if (type === undefined) k.ddi.KeInitializeTimer(t);
  else k.ddi.KeInitializeTimerEx(t, type);
  return t;
}

/** ExQueueWorkItem with a WORK_QUEUE_ITEM in pool. */
function queueWork(k: Kernel, n: number, fn: () => void): void {
  const item = scratch(k, WORK_QUEUE_ITEM.size);
  k.as.setU32(item + WORK_QUEUE_ITEM.off.WorkerRoutine, routine(k, n, fn));
  k.ddi.ExQueueWorkItem(item, 1 /* DelayedWorkQueue */);
}

// ---- events ----------------------------------------------------------------------------------

test('KeInitializeEvent: Type, Size = sizeof(KEVENT)/4, SignalState, empty wait list', () => {
  const k = new Kernel();
  const n = event(k, NotificationEvent, true);
  const s = event(k, SynchronizationEvent, false);
  assert.equal(k.as.u8(n + H['Header.Type']), 0, 'NotificationEvent object');
  assert.equal(k.as.u8(s + H['Header.Type']), 1, 'SynchronizationEvent object');
  assert.equal(k.as.u8(n + H['Header.Size']), KEVENT.size / 4);
  assert.equal(k.as.i32(n + H['Header.SignalState']), 1);
  assert.equal(k.as.i32(s + H['Header.SignalState']), 0);
  assert.equal(hex(k.as.u32(s + H['Header.WaitListHead.Flink'])), hex(s + H['Header.WaitListHead']));
  assert.equal(hex(k.as.u32(s + H['Header.WaitListHead.Blink'])), hex(s + H['Header.WaitListHead']));
});

test('KeSetEvent / KeResetEvent return the previous state; KeClearEvent; KeReadStateEvent', () => {
  const k = new Kernel();
  const e = event(k, NotificationEvent, false);
  assert.equal(k.ddi.KeSetEvent(e, 0, 0), 0);
  assert.equal(k.ddi.KeSetEvent(e, 0, 0), 1);
  assert.equal(k.ddi.KeReadStateEvent(e), 1);
  assert.equal(k.ddi.KeResetEvent(e), 1);
  assert.equal(k.ddi.KeReadStateEvent(e), 0);
  k.ddi.KeSetEvent(e, 0, 0);
  k.ddi.KeClearEvent(e);
  assert.equal(k.ddi.KeReadStateEvent(e), 0);
});

test('a satisfied wait leaves a notification event signaled and resets a synchronization event', () => {
  const k = new Kernel();
  const n = event(k, NotificationEvent, true);
  const s = event(k, SynchronizationEvent, true);
  assert.equal(wait(k, n), STATUS.SUCCESS);
  assert.equal(wait(k, n), STATUS.SUCCESS);
  assert.equal(k.ddi.KeReadStateEvent(n), 1);
  assert.equal(wait(k, s), STATUS.SUCCESS);
  assert.equal(k.ddi.KeReadStateEvent(s), 0, 'auto-reset');
  assert.equal(k.clock.now, 0);
});

test('a zero time-out polls: STATUS_TIMEOUT at once, clock unchanged, nothing else runs', () => {
  const k = new Kernel();
  const e = event(k, NotificationEvent, false);
  let ran = false;
  queueWork(k, 1, () => (ran = true));
  assert.equal(hex(wait(k, e, 0n)), hex(STATUS.TIMEOUT));
  assert.equal(k.clock.now, 0);
  assert.equal(ran, false);
});

test('a relative time-out with nothing to run returns STATUS_TIMEOUT exactly when it expires', () => {
  const k = new Kernel();
  const e = event(k, NotificationEvent, false);
  assert.equal(hex(wait(k, e, relativeMs(10))), hex(STATUS.TIMEOUT));
  assert.equal(k.clock.now, 10 * MS);
});

test('a timed wait satisfied by a timer DPC returns STATUS_SUCCESS at the timer due time', () => {
  const k = new Kernel();
  const e = event(k, SynchronizationEvent, false);
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 1, () => k.ddi.KeSetEvent(e, 0, 0)), 0);
  k.ddi.KeSetTimer(timer(k), relativeMs(5), dpc);
  assert.equal(wait(k, e, relativeMs(50)), STATUS.SUCCESS);
  assert.equal(k.clock.now, 5 * MS);
});

test('a wait runs ready work (work items, new system threads) before time moves', () => {
  const k = new Kernel();
  const a = event(k, NotificationEvent, false);
  const b = event(k, NotificationEvent, false);
  queueWork(k, 1, () => k.ddi.KeSetEvent(a, 0, 0));
  const handle = scratch(k, 4);
  const start = routine(k, 2, () => k.ddi.KeSetEvent(b, 0, 0));
  assert.equal(k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, start, 0), STATUS.SUCCESS);
  assert.equal(wait(k, a), STATUS.SUCCESS);
  assert.equal(wait(k, b), STATUS.SUCCESS);
  assert.equal(k.clock.now, 0);
});

test('waiting forever on an object nothing can signal is reported as a hang', () => {
  const k = new Kernel();
  const e = event(k, NotificationEvent, false);
  assert.throws(() => wait(k, e), HangError);
});

// ---- DPCs ------------------------------------------------------------------------------------

test('KeInitializeDpc: Type DpcObject 0x13, MediumImportance, Number 0, routine, context, DpcData NULL', () => {
  const k = new Kernel();
  const dpc = scratch(k, KDPC.size);
  k.as.fill(dpc, KDPC.size, 0xcc);
  k.ddi.KeInitializeDpc(dpc, 0x9b000100, 0x1234);
  assert.equal(hex(k.as.u8(dpc + D.Type)), hex(0x13));
  assert.equal(k.as.u8(dpc + D.Importance), 1);
  assert.equal(k.as.u16(dpc + D.Number), 0);
  assert.equal(hex(k.as.u32(dpc + D.DeferredRoutine)), hex(0x9b000100));
  assert.equal(hex(k.as.u32(dpc + D.DeferredContext)), hex(0x1234));
  assert.equal(k.as.u32(dpc + D.DpcData), 0);
});

test('KeInsertQueueDpc below DISPATCH_LEVEL runs the DPC before returning, at DISPATCH_LEVEL, with its four arguments', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1, 0xc0);
  assert.equal(k.ddi.KeInsertQueueDpc(dpc, 0xa1, 0xa2), 1);
  assert.deepEqual(log, [[0, DISPATCH_LEVEL, dpc, 0xc0, 0xa1, 0xa2]]);
  assert.equal(k.ddi.KeGetCurrentIrql(), PASSIVE_LEVEL);
});

test('inserting a queued DPC returns FALSE and keeps the first SystemArguments; DpcData is set while queued', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1, 0xc0);
  k.ddi.KeRaiseIrqlToDpcLevel();
  assert.equal(k.ddi.KeInsertQueueDpc(dpc, 1, 2), 1);
  assert.notEqual(k.as.u32(dpc + D.DpcData), 0, 'queued');
  assert.equal(k.ddi.KeInsertQueueDpc(dpc, 3, 4), 0);
  k.ddi.KeLowerIrql(PASSIVE_LEVEL);
  assert.deepEqual(log, [[0, DISPATCH_LEVEL, dpc, 0xc0, 1, 2]], 'ran once, with the first arguments');
  assert.equal(k.as.u32(dpc + D.DpcData), 0, 'no longer queued');
});

test('KeRemoveQueueDpc dequeues (TRUE, never runs) and returns FALSE when not queued', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  k.ddi.KeRaiseIrqlToDpcLevel();
  k.ddi.KeInsertQueueDpc(dpc, 0, 0);
  assert.equal(k.ddi.KeRemoveQueueDpc(dpc), 1);
  assert.equal(k.ddi.KeRemoveQueueDpc(dpc), 0);
  k.ddi.KeLowerIrql(PASSIVE_LEVEL);
  assert.deepEqual(log, []);
});

test('queued DPCs run in FIFO order; a DPC may requeue itself from its routine', () => {
  const k = new Kernel();
  const order: string[] = [];
  const a = scratch(k, KDPC.size);
  const b = scratch(k, KDPC.size);
  let requeued = -1;
  k.ddi.KeInitializeDpc(a, routine(k, 1, () => {
    order.push('a');
    if (requeued < 0) requeued = k.ddi.KeInsertQueueDpc(a, 0, 0);
  }), 0);
  k.ddi.KeInitializeDpc(b, routine(k, 2, () => order.push('b')), 0);
  k.ddi.KeRaiseIrqlToDpcLevel();
  k.ddi.KeInsertQueueDpc(a, 0, 0);
  k.ddi.KeInsertQueueDpc(b, 0, 0);
  k.ddi.KeLowerIrql(PASSIVE_LEVEL);
  assert.equal(requeued, 1, 'the DPC is dequeued before its routine runs');
  assert.deepEqual(order, ['a', 'b', 'a']);
});

// ---- timers ----------------------------------------------------------------------------------

test('KeInitializeTimer(Ex): TimerNotification 8 / TimerSynchronization 9, not signaled, not inserted, empty wait list', () => {
  const k = new Kernel();
  const n = scratch(k, KTIMER.size);
  k.as.fill(n, KTIMER.size, 0xcc);
  k.ddi.KeInitializeTimer(n);
  const s = timer(k, 1);
  assert.equal(k.as.u8(n + T['Header.Type']), 8);
  assert.equal(k.as.u8(s + T['Header.Type']), 9);
  assert.equal(k.as.u8(n + T['Header.Inserted']), 0);
  assert.equal(k.as.i32(n + T['Header.SignalState']), 0);
  assert.equal(hex(k.as.u32(n + T['Header.WaitListHead.Flink'])), hex(n + T['Header.WaitListHead']));
  assert.equal(k.as.u64(n + T.DueTime), 0n);
  assert.equal(k.as.i32(n + T.Period), 0);
});

test('KeInitializeTimerEx sets Header.Size = sizeof(KTIMER) / sizeof(LONG)', () => {
  // Every dispatcher object carries its size in LONGs (WRK KeInitializeTimerEx; !object / dt use it).
  const k = new Kernel();
  const t = scratch(k, KTIMER.size);
  k.as.fill(t, KTIMER.size, 0xcc);
  k.ddi.KeInitializeTimerEx(t, 0);
  assert.equal(k.as.u8(t + T['Header.Size']), KTIMER.size / 4);
});

test('KeSetTimer returns FALSE, or TRUE when it replaces a set timer; KeCancelTimer returns whether it was set', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  assert.equal(k.ddi.KeSetTimer(t, relativeMs(10), dpc), 0);
  assert.equal(k.as.u8(t + T['Header.Inserted']), 1);
  assert.equal(k.as.u64(t + T.DueTime), BigInt(10 * MS), 'DueTime is the interrupt time of expiry');
  assert.equal(k.ddi.KeSetTimer(t, relativeMs(20), dpc), 1);
  assert.equal(k.ddi.KeCancelTimer(t), 1);
  assert.equal(k.ddi.KeCancelTimer(t), 0);
  assert.equal(k.as.u8(t + T['Header.Inserted']), 0);
  delay(k, 30);
  assert.deepEqual(log, [], 'a cancelled timer never fires');
  assert.equal(k.ddi.KeReadStateTimer(t), 0);
});

test('the clock does not move while nobody waits: a due timer fires only when the processor idles', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  k.ddi.KeSetTimer(t, relativeMs(10), dpc);
  for (let i = 0; i < 100; i++) k.ddi.KeQueryInterruptTime();
  assert.equal(k.clock.now, 0);
  assert.deepEqual(log, []);
  assert.equal(delay(k, 20), STATUS.SUCCESS);
  assert.equal(k.clock.now, 20 * MS, 'KeDelayExecutionThread returns when its interval has elapsed');
  const st = k.clock.systemTime() - BigInt(10 * MS); // system time when the timer fired
  // Timer DPCs get the expiry system time as SystemArgument1 (low) / SystemArgument2 (high), as KiTimerExpiration passes it.
  assert.deepEqual(log, [[10 * MS, DISPATCH_LEVEL, dpc, 0, Number(st & 0xffffffffn), Number(st >> 32n)]]);
  assert.equal(k.ddi.KeReadStateTimer(t), 1, 'an expired timer is signaled');
  assert.equal(k.as.u8(t + T['Header.Inserted']), 0);
});

test('ready work runs before the clock advances to the next timer', () => {
  const k = new Kernel();
  const seen: string[] = [];
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 1, () => seen.push(`dpc@${k.clock.now / MS}`)), 0);
  k.ddi.KeSetTimer(timer(k), relativeMs(5), dpc);
  queueWork(k, 2, () => seen.push(`work@${k.clock.now / MS}`));
  delay(k, 10);
  assert.deepEqual(seen, ['work@0', 'dpc@5']);
  assert.equal(k.clock.now, 10 * MS);
});

test('a periodic timer fires at due time, then every period, until cancelled', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  assert.equal(k.ddi.KeSetTimerEx(t, relativeMs(10), 5, dpc), 0);
  delay(k, 22);
  assert.deepEqual(log.map((r) => r[0]! / MS), [10, 15, 20]);
  assert.equal(k.as.u8(t + T['Header.Inserted']), 1, 'still in the timer table');
  assert.equal(k.ddi.KeCancelTimer(t), 1);
  delay(k, 20);
  assert.equal(log.length, 3);
});

test('waits on timers: a notification timer stays signaled, a synchronization timer resets', () => {
  const k = new Kernel();
  const n = timer(k, 0);
  const s = timer(k, 1);
  k.ddi.KeSetTimer(n, relativeMs(3), 0);
  k.ddi.KeSetTimer(s, relativeMs(4), 0);
  assert.equal(wait(k, n), STATUS.SUCCESS);
  assert.equal(k.clock.now, 3 * MS);
  assert.equal(wait(k, s), STATUS.SUCCESS);
  assert.equal(k.clock.now, 4 * MS);
  assert.equal(k.ddi.KeReadStateTimer(n), 1);
  assert.equal(k.ddi.KeReadStateTimer(s), 0);
});

test('a positive due time is an absolute system time', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const now = scratch(k, 8);
  k.ddi.KeQuerySystemTime(now);
  k.ddi.KeSetTimer(timer(k), k.as.u64(now) + BigInt(7 * MS), dpc);
  delay(k, 10);
  assert.deepEqual(log.map((r) => r[0]), [7 * MS]);
});

test('KeQueryInterruptTime, KeQueryTickCount and KeQueryTimeIncrement follow the simulated clock', () => {
  const k = new Kernel();
  delay(k, 100);
  const ticks = scratch(k, 8);
  k.ddi.KeQueryTickCount(ticks);
  assert.equal(k.ddi.KeQueryInterruptTime(), BigInt(100 * MS));
  assert.equal(k.ddi.KeQueryTimeIncrement(), 156_250, '15.625 ms clock tick');
  assert.equal(k.as.u64(ticks), BigInt(Math.floor((100 * MS) / 156_250)));
});

test('KeSetTimer with a due time already past signals the timer and queues its DPC at once', () => {
  // WRK KeSetTimerEx: when KiInsertTreeTimer finds the due time passed, the timer is signaled, not inserted, and
  // its DPC is queued; at PASSIVE_LEVEL that DPC runs before KeSetTimer returns.
  const k = new Kernel();
  delay(k, 10);
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  const past = k.clock.systemTime() - BigInt(5 * MS);
  assert.equal(k.ddi.KeSetTimer(t, past, dpc), 0);
  assert.equal(k.ddi.KeReadStateTimer(t), 1, 'signaled');
  assert.equal(k.as.u8(t + T['Header.Inserted']), 0, 'not in the timer table');
  assert.equal(log.length, 1, 'DPC already ran');
});

test('a timer falling due during KeStallExecutionProcessor at PASSIVE_LEVEL has fired when the stall returns', () => {
  // A stall is a busy wait with interrupts enabled: the clock interrupt expires timers and, below DISPATCH_LEVEL,
  // their DPCs run. Without this a `while (!KeReadStateTimer(t)) KeStallExecutionProcessor(n)` loop never ends.
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  k.ddi.KeSetTimer(t, relativeMs(1), dpc);
  k.ddi.KeStallExecutionProcessor(2000); // 2 ms
  assert.equal(k.clock.now, 2 * MS);
  assert.equal(k.ddi.KeReadStateTimer(t), 1);
  assert.equal(log.length, 1);
});

test('KeSetTimer with a past due time at DISPATCH_LEVEL signals at once; the DPC waits for IRQL to drop', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  k.ddi.KeRaiseIrqlToDpcLevel();
  k.ddi.KeSetTimer(t, 0n, dpc); // an absolute time at or before boot: already past
  assert.equal(k.ddi.KeReadStateTimer(t), 1);
  assert.equal(k.ddi.KeCancelTimer(t), 0, 'never inserted');
  assert.equal(log.length, 0);
  k.ddi.KeLowerIrql(PASSIVE_LEVEL);
  assert.deepEqual(log.map((r) => r[1]), [DISPATCH_LEVEL]);
});

test('a periodic timer set with a past due time fires at once and is inserted for its next period', () => {
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  k.ddi.KeSetTimerEx(t, 0n, 5, dpc);
  assert.equal(log.length, 1);
  assert.equal(k.as.u8(t + T['Header.Inserted']), 1);
  delay(k, 11);
  assert.deepEqual(log.map((r) => r[0]! / MS), [0, 5, 10]);
});

test('a stall at DISPATCH_LEVEL moves the clock but expires nothing until IRQL drops below DISPATCH_LEVEL', () => {
  // Timer expiration runs at DISPATCH_LEVEL (the clock interrupt requests it), so it waits for the level.
  const k = new Kernel();
  const { dpc, log } = loggingDpc(k, 1);
  const t = timer(k);
  k.ddi.KeSetTimer(t, relativeMs(1), dpc);
  const old = k.ddi.KeRaiseIrqlToDpcLevel();
  k.ddi.KeStallExecutionProcessor(2000);
  assert.equal(k.clock.now, 2 * MS);
  assert.equal(k.ddi.KeReadStateTimer(t), 0);
  assert.equal(log.length, 0);
  k.ddi.KeLowerIrql(old);
  assert.equal(k.ddi.KeReadStateTimer(t), 1);
  assert.deepEqual(log.map((r) => r[1]), [DISPATCH_LEVEL]);
});

test('a stall runs no work item: only interrupts and DPCs happen during a busy wait', () => {
  const k = new Kernel();
  const seen: string[] = [];
  queueWork(k, 2, () => seen.push('work'));
  k.ddi.KeStallExecutionProcessor(1000);
  assert.deepEqual(seen, []);
  assert.equal(k.clock.now, 1 * MS);
});
