/** Kernel-core DDIs: IRQL, spin locks, events, waits, DPCs, timers, time, bug checks. */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DISPATCH_LEVEL, type KIRQL } from '../../nt/irql.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TIME_INCREMENT } from './clock.ts';

export function keExports(k: Kernel) {
  const setIrql = (irql: KIRQL): void => {
    k.prcb.irql = irql;
    if (irql >= DISPATCH_LEVEL) return;
    // Timers that fell due while IRQL was raised (a stall) expire now, as the clock interrupt's
    // timer DPC would once the level allows.
    const due = k.dispatcher.nextTimerDue();
    if (due !== undefined && due <= k.clock.now) k.dispatcher.expireTimers();
    if (k.prcb.dpcQueue.length > 0) k.dispatcher.deliverDpcs();
  };
  /** KfRaiseIrql: a raise to a lower level bug checks (the HAL passes no parameters). */
  const raise = (irql: KIRQL): KIRQL => {
    const old = k.prcb.irql;
    if (irql < old) k.bugCheck(BUGCHECK.IRQL_NOT_GREATER_OR_EQUAL, 0, 0, 0, 0);
    k.prcb.irql = irql;
    return old;
  };
  const acquire = (lock: number): KIRQL => {
    const old = k.prcb.irql;
    k.prcb.irql = Math.max(old, DISPATCH_LEVEL);
    acquireAtDpc(lock);
    return old;
  };
  const acquireAtDpc = (lock: number): void => {
    if (k.as.u32(lock) !== 0) {
      // One processor: a lock held here can never be released while we spin, at DISPATCH_LEVEL,
      // until the DPC watchdog fires (0x133: the single-DPC time-out in a DPC, else the cumulative one).
      k.watchdog.spinForever();
    }
    k.as.setU32(lock, k.currentThread.address | 1);
  };
  const release = (lock: number): void => {
    k.as.setU32(lock, 0);
  };
  const ddi = {
    KeGetCurrentIrql(): KIRQL {
      return k.prcb.irql;
    },
    /** Raise IRQL; *OldIrql receives the previous level. */
    KeRaiseIrql(NewIrql: KIRQL, OldIrql: number): void {
      k.as.setU8(OldIrql, raise(NewIrql));
    },
    KfRaiseIrql(NewIrql: KIRQL): KIRQL {
      return raise(NewIrql);
    },
    KeRaiseIrqlToDpcLevel(): KIRQL {
      const old = k.prcb.irql;
      k.prcb.irql = DISPATCH_LEVEL;
      return old;
    },
    KeLowerIrql(NewIrql: KIRQL): void {
      setIrql(NewIrql);
    },
    KfLowerIrql(NewIrql: KIRQL): void {
      setIrql(NewIrql);
    },
    KeInitializeSpinLock(SpinLock: number): void {
      k.as.setU32(SpinLock, 0);
    },
    /** Acquire at IRQL <= DISPATCH_LEVEL; *OldIrql receives the previous level. */
    KeAcquireSpinLock(SpinLock: number, OldIrql: number): void {
      k.as.setU8(OldIrql, acquire(SpinLock));
    },
    KeAcquireSpinLockRaiseToDpc(SpinLock: number): KIRQL {
      return acquire(SpinLock);
    },
    KfAcquireSpinLock(SpinLock: number): KIRQL {
      return acquire(SpinLock);
    },
    KeReleaseSpinLock(SpinLock: number, NewIrql: KIRQL): void {
      release(SpinLock);
      setIrql(NewIrql);
    },
    KfReleaseSpinLock(SpinLock: number, NewIrql: KIRQL): void {
      release(SpinLock);
      setIrql(NewIrql);
    },
    KeAcquireSpinLockAtDpcLevel(SpinLock: number): void {
      acquireAtDpc(SpinLock);
    },
    KeReleaseSpinLockFromDpcLevel(SpinLock: number): void {
      release(SpinLock);
    },
    KeInitializeEvent(Event: number, Type: number, State: number): void {
      k.dispatcher.initializeEvent(Event, Type, State !== 0);
    },
    KeSetEvent(Event: number, _Increment: number, _Wait: number): number {
      return k.dispatcher.setEvent(Event);
    },
    KeResetEvent(Event: number): number {
      return k.dispatcher.resetEvent(Event);
    },
    KeClearEvent(Event: number): void {
      k.dispatcher.resetEvent(Event);
    },
    KeReadStateEvent(Event: number): number {
      return k.dispatcher.readState(Event);
    },
    /** Timeout points at a LARGE_INTEGER (negative = relative, 100 ns units), or is 0 for no time-out. */
    KeWaitForSingleObject(Object: number, _WaitReason: number, _WaitMode: number, _Alertable: number, Timeout: number): number {
      const timeout = Timeout === 0 ? undefined : BigInt.asIntN(64, k.as.u64(Timeout));
      return k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitForSingleObject(Object, timeout));
    },
    /**
     * Object points at an array of Count object pointers; WaitType WaitAll (0) or WaitAny (1). More
     * than THREAD_WAIT_OBJECTS (3) objects need a WaitBlockArray; more than MAXIMUM_WAIT_OBJECTS (64)
     * is bug check MAXIMUM_WAIT_OBJECTS_EXCEEDED (0xC).
     */
    KeWaitForMultipleObjects(Count: number, Object: number, WaitType: number, _WaitReason: number, _WaitMode: number, _Alertable: number, Timeout: number, WaitBlockArray: number): number {
      if (Count > 64 || (Count > 3 && WaitBlockArray === 0)) return k.bugCheck(0x0c, 0, 0, 0, 0);
      const objects = Array.from({ length: Count }, (_, i) => k.as.u32(Object + 4 * i));
      const timeout = Timeout === 0 ? undefined : BigInt.asIntN(64, k.as.u64(Timeout));
      return k.withFrames(['KeWaitForMultipleObjects'], () => k.dispatcher.waitForMultipleObjects(objects, WaitType === 0, timeout));
    },
    KeDelayExecutionThread(_WaitMode: number, _Alertable: number, Interval: number): number {
      const due = k.clock.dueTimeToNow(BigInt.asIntN(64, k.as.u64(Interval)));
      k.watchdog.yielded();
      k.withFrames(['KeDelayExecutionThread'], () => k.dispatcher.delayExecution(due));
      return STATUS.SUCCESS;
    },
    /** KeInitializeMutex: Level is ignored, as on Windows. */
    KeInitializeMutex(Mutex: number, _Level: number): void {
      k.dispatcher.initializeMutex(Mutex >>> 0);
    },
    /** KeReleaseMutex: returns the previous signal state. Releasing a mutex the caller does not own raises STATUS_MUTANT_NOT_OWNED. */
    KeReleaseMutex(Mutex: number, _Wait: number): number {
      const prev = k.dispatcher.releaseMutex(Mutex >>> 0);
      if (prev === undefined) return k.bugCheck(BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED, STATUS.MUTANT_NOT_OWNED, k.stacks.callerOf(), 0, 0);
      return prev;
    },
    KeReadStateMutex(Mutex: number): number {
      return k.dispatcher.readState(Mutex >>> 0);
    },
    /** Disable normal kernel APCs for the current thread (the thread's KernelApcDisable count goes down). */
    KeEnterCriticalRegion(): void {
      k.currentThread.kernelApcDisable--;
    },
    KeLeaveCriticalRegion(): void {
      k.currentThread.kernelApcDisable++;
    },
    /** Wait until every queued DPC has run. One processor: below DISPATCH_LEVEL they already have. */
    KeFlushQueuedDpcs(): void {
      if (k.prcb.irql < DISPATCH_LEVEL) k.dispatcher.deliverDpcs();
    },
    KeStallExecutionProcessor(MicroSeconds: number): void {
      k.dispatcher.stall((MicroSeconds >>> 0) * 10);
    },
    KeInitializeDpc(Dpc: number, DeferredRoutine: number, DeferredContext: number): void {
      k.dispatcher.initializeDpc(Dpc, DeferredRoutine, DeferredContext);
    },
    KeInsertQueueDpc(Dpc: number, SystemArgument1: number, SystemArgument2: number): number {
      return k.dispatcher.insertQueueDpc(Dpc, SystemArgument1, SystemArgument2) ? 1 : 0;
    },
    KeRemoveQueueDpc(Dpc: number): number {
      return k.dispatcher.removeQueueDpc(Dpc) ? 1 : 0;
    },
    KeInitializeTimer(Timer: number): void {
      k.dispatcher.initializeTimer(Timer, 0);
    },
    KeInitializeTimerEx(Timer: number, Type: number): void {
      k.dispatcher.initializeTimer(Timer, Type);
    },
    /** DueTime is a LARGE_INTEGER passed by value (64-bit). */
    KeSetTimer(Timer: number, DueTime: bigint, Dpc: number): number {
      return k.dispatcher.setTimer(Timer, BigInt(DueTime), 0, Dpc) ? 1 : 0;
    },
    KeSetTimerEx(Timer: number, DueTime: bigint, Period: number, Dpc: number): number {
      return k.dispatcher.setTimer(Timer, BigInt(DueTime), Period, Dpc) ? 1 : 0;
    },
    KeCancelTimer(Timer: number): number {
      return k.dispatcher.cancelTimer(Timer) ? 1 : 0;
    },
    KeReadStateTimer(Timer: number): number {
      return k.dispatcher.readState(Timer) > 0 ? 1 : 0;
    },
    KeQuerySystemTime(CurrentTime: number): void {
      k.as.setU64(CurrentTime, k.clock.systemTime());
    },
    KeQueryTickCount(TickCount: number): void {
      k.as.setU64(TickCount, BigInt(k.clock.tickCount()));
    },
    KeQueryTimeIncrement(): number {
      return TIME_INCREMENT;
    },
    KeQueryInterruptTime(): bigint {
      return BigInt(k.clock.now);
    },
    KeGetCurrentThread(): number {
      return k.currentThread.address;
    },
    KeGetCurrentProcessorNumber(): number {
      return k.prcb.number;
    },
    KeBugCheckEx(BugCheckCode: number, P1: number, P2: number, P3: number, P4: number): never {
      return k.bugCheck(BugCheckCode, P1, P2, P3, P4);
    },
    KeBugCheck(BugCheckCode: number): never {
      return k.bugCheck(BugCheckCode, 0, 0, 0, 0);
    },
  };
  return ddi;
}
