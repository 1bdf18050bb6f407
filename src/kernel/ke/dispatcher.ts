/**
 * Dispatcher objects (events, timers), DPCs, work queues and the deterministic scheduler.
 *
 * Execution is single-threaded and cooperative. Work becomes runnable in a fixed order (DPCs first,
 * then work items, then ready system threads, each FIFO); the clock moves only when nothing is
 * runnable and a timer is due later. A wait on an unsignaled object runs other work until the object
 * is signaled or the wait times out; if nothing left can ever signal it, that is a hang, reported as
 * such (on Windows the thread would block for good).
 */
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../nt/irql.ts';
import { DISPATCHER_HEADER, KDPC, KMUTANT, KTIMER } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { Thread } from '../ps/thread.ts';
import type { SuspendedWait } from './suspend.ts';

/** DISPATCHER_HEADER.Type values. */
export const OBJECT_TYPE = {
  EventNotification: 0,
  EventSynchronization: 1,
  Mutant: 2,
  Process: 3,
  Queue: 4,
  Semaphore: 5,
  Thread: 6,
  TimerNotification: 8,
  TimerSynchronization: 9,
} as const;

const H = DISPATCHER_HEADER.off;
const D = KDPC.off;
const T = KTIMER.off;
const MU = KMUTANT.off;

interface SetTimer {
  readonly timer: number;
  due: number;
  readonly period: number;
  readonly dpc: number;
  readonly seq: number;
}

export interface WorkItem {
  readonly routine: number;
  readonly args: readonly number[];
  /** Internal kernel frames under the routine (e.g. nt!IopProcessWorkItem). */
  readonly frames: readonly string[];
  /** Called after the routine returns (the I/O manager drops its device reference here). */
  readonly done?: () => void;
  /** The device an IoQueueWorkItem item holds a reference on; undefined for ExQueueWorkItem. */
  readonly device?: number;
}

export class Dispatcher {
  private timers: SetTimer[] = [];
  private timerSeq = 0;
  private readonly queuedDpcs = new Set<number>();
  readonly workQueue: WorkItem[] = [];
  readonly readyThreads: Thread[] = [];
  /** Threads that unwound their stack in a wait (ke/suspend.ts), in the order they began to wait. */
  readonly waitingThreads: Thread[] = [];

  constructor(private readonly k: Kernel) {}

  // ---- events --------------------------------------------------------------------------------

  initializeEvent(event: number, type: number, state: boolean): void {
    const as = this.k.as;
    as.setU8(event + H.Type, type === 1 ? OBJECT_TYPE.EventSynchronization : OBJECT_TYPE.EventNotification);
    as.setU8(event + H.Size, 4);
    as.setU32(event + H.SignalState, state ? 1 : 0);
    as.setU32(event + H['WaitListHead.Flink'], event + H.WaitListHead);
    as.setU32(event + H['WaitListHead.Blink'], event + H.WaitListHead);
  }

  /** KeSetEvent: returns the previous signal state. */
  setEvent(object: number): number {
    const prev = this.k.as.i32(object + H.SignalState);
    this.k.as.setU32(object + H.SignalState, 1);
    return prev;
  }

  resetEvent(object: number): number {
    const prev = this.k.as.i32(object + H.SignalState);
    this.k.as.setU32(object + H.SignalState, 0);
    return prev;
  }

  readState(object: number): number {
    return this.k.as.i32(object + H.SignalState);
  }

  /** A mutex is signaled when free, and for its owner (it may be acquired recursively). */
  private signaled(object: number, thread = this.k.currentThread): boolean {
    const as = this.k.as;
    if (as.u8(object + H.Type) === OBJECT_TYPE.Mutant && as.u32(object + MU.OwnerThread) === thread.address) return true;
    return as.i32(object + H.SignalState) > 0;
  }

  /** Satisfy a wait: synchronization objects reset; a semaphore counts down; a mutex becomes owned (APCs disabled on first acquire). */
  private consume(object: number): void {
    const as = this.k.as;
    const type = as.u8(object + H.Type);
    if (type === OBJECT_TYPE.EventSynchronization || type === OBJECT_TYPE.TimerSynchronization) {
      as.setU32(object + H.SignalState, 0);
    } else if (type === OBJECT_TYPE.Semaphore) {
      // Each satisfied wait takes one unit of the count.
      as.setU32(object + H.SignalState, as.i32(object + H.SignalState) - 1);
    } else if (type === OBJECT_TYPE.Mutant) {
      const state = as.i32(object + H.SignalState);
      as.setU32(object + H.SignalState, state - 1);
      if (state === 1) {
        const thread = this.k.currentThread;
        as.setU32(object + MU.OwnerThread, thread.address);
        thread.kernelApcDisable -= as.u8(object + MU.ApcDisable);
      }
    }
  }

  // ---- mutexes -------------------------------------------------------------------------------

  /** KeInitializeMutex: free (SignalState 1), no owner; acquiring it disables normal kernel APCs. */
  initializeMutex(mutex: number): void {
    const as = this.k.as;
    as.setU8(mutex + H.Type, OBJECT_TYPE.Mutant);
    as.setU8(mutex + H.Size, KMUTANT.size / 4);
    as.setU32(mutex + H.SignalState, 1);
    as.setU32(mutex + H['WaitListHead.Flink'], mutex + H.WaitListHead);
    as.setU32(mutex + H['WaitListHead.Blink'], mutex + H.WaitListHead);
    as.setU32(mutex + MU.OwnerThread, 0);
    as.setU8(mutex + MU.Abandoned, 0);
    as.setU8(mutex + MU.ApcDisable, 1);
  }

  /** KeReleaseMutex: returns the previous signal state; undefined if the caller does not own it. */
  releaseMutex(mutex: number): number | undefined {
    const as = this.k.as;
    const thread = this.k.currentThread;
    if (as.u32(mutex + MU.OwnerThread) !== thread.address) return undefined;
    const prev = as.i32(mutex + H.SignalState);
    as.setU32(mutex + H.SignalState, prev + 1);
    if (prev + 1 === 1) {
      as.setU32(mutex + MU.OwnerThread, 0);
      thread.kernelApcDisable += as.u8(mutex + MU.ApcDisable);
    }
    return prev;
  }

  /** KeWaitForSingleObject's work. `timeout` in NT form (negative relative), undefined = forever. */
  waitForSingleObject(object: number, timeout: bigint | undefined): number {
    return this.waitForMultipleObjects([object], true, timeout);
  }

  /**
   * KeWaitForMultipleObjects's work: WaitAll returns STATUS_SUCCESS once every object is signaled
   * (and satisfies them all at once); WaitAny returns STATUS_WAIT_0 + the index of the first
   * signaled object. STATUS_TIMEOUT when the time-out passes first.
   */
  waitForMultipleObjects(objects: readonly number[], waitAll: boolean, timeout: bigint | undefined): number {
    const thread = this.k.currentThread;
    // A thread rewinding into this wait keeps the deadline it began with.
    const resumed = this.takeResumed(thread);
    const deadline = resumed ? resumed.deadline : timeout === undefined ? undefined : this.k.clock.dueTimeToNow(timeout);
    for (;;) {
      if (waitAll) {
        if (objects.every((o) => this.signaled(o))) {
          for (const o of objects) this.consume(o);
          return STATUS.SUCCESS;
        }
      } else {
        const i = objects.findIndex((o) => this.signaled(o));
        if (i >= 0) {
          this.consume(objects[i]!);
          return STATUS.SUCCESS + i; // STATUS_WAIT_0 + i
        }
      }
      if (deadline !== undefined && this.k.clock.now >= deadline) return STATUS.TIMEOUT;
      // The object is not signaled: the thread gives up the processor.
      this.k.watchdog.yielded();
      // Its stack unwinds if it can, and the wait is issued again as it rewinds (like a wait a kernel
      // APC interrupts: nothing above it may take the value for an acquisition); else other work runs on top of it.
      if (this.suspend(thread, objects, waitAll, deadline)) return STATUS.KERNEL_APC;
      if (this.runOne()) continue;
      const next = this.nextWakeUp();
      if (next !== undefined && (deadline === undefined || next <= deadline)) {
        this.advanceClock(next);
        continue;
      }
      if (deadline !== undefined) {
        this.k.clock.advanceTo(deadline);
        this.k.watchdog.checkTime();
        return STATUS.TIMEOUT;
      }
      const what = objects.length === 1 ? `object ${hex(objects[0]!)}` : `objects ${objects.map(hex).join(', ')} (${waitAll ? 'all' : 'any'})`;
      this.k.hang(`thread ${hex(thread.address)} (${thread.name}) waits forever on ${what}: nothing left to run can signal it`);
    }
  }

  /**
   * KeDelayExecutionThread's work: the thread sleeps until `due`. Its stack unwinds if it can, and
   * the scheduler resumes it then; else other work and timers run on top of it until then.
   */
  delayExecution(due: number): void {
    const thread = this.k.currentThread;
    if (this.takeResumed(thread) || this.suspend(thread, [], false, due)) return;
    this.runUntilIdle(due);
    this.k.clock.advanceTo(due);
    this.k.watchdog.checkTime();
  }

  /** Unwind the current thread's stack out of its wait, if its driver frames allow (ke/suspend.ts). */
  private suspend(thread: Thread, objects: readonly number[], waitAll: boolean, deadline: number | undefined): boolean {
    const stack = this.k.stackSwitch;
    if (!stack || thread.suspendedWait || !this.k.inThreadStart(thread) || this.k.prcb.dpcActive || !stack.unwind()) return false;
    thread.suspendedWait = { objects, waitAll, deadline, stack, irql: this.k.prcb.irql, resumed: false };
    return true;
  }

  /** The wait `thread` is rewinding into, taken back (undefined when it is a new wait). */
  private takeResumed(thread: Thread): SuspendedWait | undefined {
    const wait = thread.suspendedWait;
    if (!wait?.resumed) return undefined;
    thread.suspendedWait = undefined;
    return wait;
  }

  /** A suspended wait can end: its deadline has come, or its objects are signaled. */
  private canResume(thread: Thread): boolean {
    const w = thread.suspendedWait!;
    if (w.deadline !== undefined && this.k.clock.now >= w.deadline) return true;
    if (w.objects.length === 0) return false;
    return w.waitAll ? w.objects.every((o) => this.signaled(o, thread)) : w.objects.some((o) => this.signaled(o, thread));
  }

  /**
   * Run work, and timers as they fall due, until `done()`: a kernel thread waiting for something it
   * cannot name as one object (a pending IRP). `hangReason` says why the run hangs if nothing can end it.
   */
  waitUntil(done: () => boolean, hangReason: () => string): void {
    for (;;) {
      if (done()) return;
      this.k.watchdog.yielded();
      if (this.runOne()) continue;
      const next = this.nextWakeUp();
      if (next === undefined) this.k.hang(hangReason());
      this.advanceClock(next);
    }
  }

  /** Run until `done()`, or until nothing left to run (before `until`, in ticks) could change it: false then. */
  settle(done: () => boolean, until = Infinity): boolean {
    for (;;) {
      if (done()) return true;
      this.k.watchdog.yielded();
      if (this.runOne()) continue;
      const next = this.nextWakeUp();
      if (next === undefined || next > until) return false;
      this.advanceClock(next);
    }
  }

  /** Idle until `t`: the clock jumps there, timers due fire, and the run's time limits are checked. */
  advanceClock(t: number): void {
    this.k.clock.advanceTo(t);
    this.k.watchdog.checkTime();
    this.expireTimers();
  }

  // ---- DPCs ----------------------------------------------------------------------------------

  initializeDpc(dpc: number, routine: number, context: number): void {
    const as = this.k.as;
    as.setU8(dpc + D.Type, 0x13);
    as.setU8(dpc + D.Importance, 1);
    as.setU16(dpc + D.Number, 0);
    as.setU32(dpc + D.DeferredRoutine, routine);
    as.setU32(dpc + D.DeferredContext, context);
    as.setU32(dpc + D.DpcData, 0);
  }

  /** KeInsertQueueDpc: false if already queued. Below DISPATCH_LEVEL the DPC runs before this returns. */
  insertQueueDpc(dpc: number, arg1: number, arg2: number): boolean {
    if (this.queuedDpcs.has(dpc)) return false;
    const as = this.k.as;
    as.setU32(dpc + D.SystemArgument1, arg1);
    as.setU32(dpc + D.SystemArgument2, arg2);
    as.setU32(dpc + D.DpcData, 1);
    this.queuedDpcs.add(dpc);
    this.k.prcb.dpcQueue.push(dpc);
    if (this.k.prcb.irql < DISPATCH_LEVEL) this.deliverDpcs();
    return true;
  }

  removeQueueDpc(dpc: number): boolean {
    if (!this.queuedDpcs.delete(dpc)) return false;
    const q = this.k.prcb.dpcQueue;
    q.splice(q.indexOf(dpc), 1);
    this.k.as.setU32(dpc + D.DpcData, 0);
    return true;
  }

  isDpcQueued(dpc: number): boolean {
    return this.queuedDpcs.has(dpc);
  }

  queuedDpcList(): number[] {
    return [...this.queuedDpcs];
  }

  /** Run every queued DPC at DISPATCH_LEVEL (the DISPATCH software interrupt). */
  deliverDpcs(): void {
    const prcb = this.k.prcb;
    if (prcb.dpcActive) return;
    while (prcb.dpcQueue.length > 0) {
      const dpc = prcb.dpcQueue.shift()!;
      this.queuedDpcs.delete(dpc);
      const as = this.k.as;
      as.setU32(dpc + D.DpcData, 0);
      const routine = as.u32(dpc + D.DeferredRoutine);
      const args = [dpc, as.u32(dpc + D.DeferredContext), as.u32(dpc + D.SystemArgument1), as.u32(dpc + D.SystemArgument2)];
      const saved = prcb.irql;
      prcb.irql = DISPATCH_LEVEL;
      prcb.dpcActive = true;
      // The DPC runs on the processor's DPC stack: the stack pointer of a driver it interrupted is not its own.
      const interruptedSp = this.k.driverStackPointer;
      this.k.driverStackPointer = 0;
      this.k.watchdog.dpcStarted();
      try {
        this.k.callRoutine(routine, args, ['KiRetireDpcList', 'KiExecuteAllDpcs']);
      } finally {
        prcb.dpcActive = false;
        prcb.irql = saved;
        this.k.driverStackPointer = interruptedSp;
      }
    }
  }

  // ---- timers --------------------------------------------------------------------------------

  initializeTimer(timer: number, type: number): void {
    const as = this.k.as;
    as.setU8(timer + T['Header.Type'], type === 1 ? OBJECT_TYPE.TimerSynchronization : OBJECT_TYPE.TimerNotification);
    as.setU8(timer + T['Header.Size'], KTIMER.size / 4); // dispatcher objects give their size in LONGs
    as.setU8(timer + T['Header.Inserted'], 0);
    as.setU32(timer + T['Header.SignalState'], 0);
    as.setU32(timer + T['Header.WaitListHead.Flink'], timer + T['Header.WaitListHead']);
    as.setU32(timer + T['Header.WaitListHead.Blink'], timer + T['Header.WaitListHead']);
    as.setU64(timer + T.DueTime, 0n);
    as.setU32(timer + T.Dpc, 0);
    as.setU32(timer + T.Period, 0);
  }

  /** The set timers, soonest first (what a dump shows for `!timer`). */
  pendingTimers(): readonly { readonly timer: number; readonly due: number; readonly period: number; readonly dpc: number }[] {
    return this.timers;
  }

  /** KeSetTimerEx: returns true if the timer was already set (it is replaced). */
  setTimer(timer: number, dueTime: bigint, periodMs: number, dpc: number): boolean {
    const was = this.cancelTimer(timer);
    const due = this.k.clock.dueTimeToNow(dueTime);
    const as = this.k.as;
    as.setU32(timer + T['Header.SignalState'], 0);
    as.setU64(timer + T.DueTime, BigInt(due));
    as.setU32(timer + T.Dpc, dpc);
    as.setU32(timer + T.Period, periodMs);
    const t: SetTimer = { timer, due, period: periodMs, dpc, seq: this.timerSeq++ };
    // A due time already past is not inserted: the timer is signaled at once (WRK KiSignalTimer), and
    // below DISPATCH_LEVEL its DPC runs before KeSetTimer returns.
    if (due <= this.k.clock.now) this.signalTimer(t);
    else this.insertTimer(t);
    return was;
  }

  private insertTimer(t: SetTimer): void {
    this.k.as.setU8(t.timer + T['Header.Inserted'], 1);
    this.timers.push(t);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
  }

  /** Signal an expired timer, re-insert it if periodic, and queue its DPC with the system time. */
  private signalTimer(t: SetTimer): void {
    const as = this.k.as;
    as.setU32(t.timer + T['Header.SignalState'], 1);
    as.setU8(t.timer + T['Header.Inserted'], 0);
    // A periodic timer is re-inserted one period from now (WRK: a relative interval).
    if (t.period > 0) this.insertTimer({ ...t, due: this.k.clock.now + t.period * 10_000, seq: this.timerSeq++ });
    if (t.dpc !== 0) {
      const clock = this.k.clock.systemTime();
      this.insertQueueDpc(t.dpc, Number(clock & 0xffffffffn), Number(clock >> 32n));
    }
  }

  /** KeCancelTimer: true if the timer was set. */
  cancelTimer(timer: number): boolean {
    const i = this.timers.findIndex((t) => t.timer === timer);
    if (i < 0) return false;
    this.timers.splice(i, 1);
    this.k.as.setU8(timer + T['Header.Inserted'], 0);
    return true;
  }

  isTimerSet(timer: number): boolean {
    return this.timers.some((t) => t.timer === timer);
  }

  setTimers(): ReadonlyArray<{ timer: number; dpc: number }> {
    return this.timers;
  }

  nextTimerDue(): number | undefined {
    return this.timers[0]?.due;
  }

  /** The next time an idle processor has something to do: a timer falls due, or a suspended wait times out. */
  private nextWakeUp(): number | undefined {
    let next = this.nextTimerDue();
    for (const t of this.waitingThreads) {
      const d = t.suspendedWait?.deadline;
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    return next;
  }

  /** Fire every timer due by now: signal it and queue its DPC. */
  expireTimers(): void {
    const now = this.k.clock.now;
    while (this.timers.length > 0 && this.timers[0]!.due <= now) {
      const t = this.timers.shift()!;
      this.k.stacks.frame(this.k.nt.address('KiTimerExpiration', 0x1c3), () => this.signalTimer(t));
    }
  }

  /**
   * KeStallExecutionProcessor: a busy wait with interrupts enabled. No thread or work item runs, but
   * below DISPATCH_LEVEL the clock interrupt expires timers that fall due and their DPCs run.
   */
  stall(ticks: number): void {
    const end = this.k.clock.now + ticks;
    if (this.k.prcb.irql < DISPATCH_LEVEL) {
      for (let next = this.nextTimerDue(); next !== undefined && next <= end; next = this.nextTimerDue()) this.advanceClock(next);
    }
    this.k.clock.advanceTo(end);
    this.k.watchdog.checkTime();
  }

  // ---- scheduling ----------------------------------------------------------------------------

  /** Run one unit of ready work. False when nothing was ready. */
  runOne(): boolean {
    if (this.k.prcb.dpcQueue.length > 0) {
      this.deliverDpcs();
      return true;
    }
    if (this.k.prcb.irql >= DISPATCH_LEVEL) return false;
    const item = this.workQueue.shift();
    if (item) {
      this.k.runInThread(this.k.workerThread, () => {
        this.k.callRoutine(item.routine, item.args, item.frames);
      });
      item.done?.();
      return true;
    }
    const thread = this.readyThreads.shift();
    if (thread) {
      this.k.runSystemThread(thread);
      return true;
    }
    // A suspended thread whose wait can end rewinds into it (first come, first served).
    // (A loop, not findIndex with a closure: this runs after every request.)
    let i = 0;
    while (i < this.waitingThreads.length && !this.canResume(this.waitingThreads[i]!)) i++;
    if (i < this.waitingThreads.length) {
      const [waiting] = this.waitingThreads.splice(i, 1);
      waiting!.suspendedWait!.resumed = true;
      this.k.runSystemThread(waiting!);
      return true;
    }
    return false;
  }

  /** Run ready work, and timers that fall due, until nothing is ready. Simulated time may advance up to `until`. */
  runUntilIdle(until?: number): void {
    for (;;) {
      while (this.runOne());
      if (until === undefined) return;
      const next = this.nextWakeUp();
      if (next === undefined || next > until) return;
      this.advanceClock(next);
    }
  }

  /** True if the processor is at PASSIVE_LEVEL with nothing ready. */
  idle(): boolean {
    return this.k.prcb.irql === PASSIVE_LEVEL && this.workQueue.length === 0 && this.readyThreads.length === 0 && this.k.prcb.dpcQueue.length === 0 && !this.waitingThreads.some((t) => this.canResume(t));
  }
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
