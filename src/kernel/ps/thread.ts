/**
 * Threads and processes. An ETHREAD/EPROCESS lives in nonpaged pool so its address is real; the
 * scheduler's view of a thread (stack bounds, start routine, state) is host-side.
 */
import type { SuspendedWait } from '../ke/suspend.ts';

export interface Process {
  readonly address: number;
  readonly name: string;
  /** UniqueProcessId: from the client-id table threads share, a multiple of 4 (System is 4). */
  readonly id: number;
  /** InheritedFromUniqueProcessId: 0 for the processes the kernel makes at boot. */
  readonly parentId: number;
  /** The command line a user process was started with ('' for the kernel's own). */
  readonly commandLine: string;
  state: 'running' | 'terminated';
  exitStatus: number;
}

export interface Thread {
  readonly address: number;
  /** UniqueThread: from the client-id table processes share, a multiple of 4. */
  readonly id: number;
  readonly process: Process;
  /** What the thread is for, in messages and `!thread`-like output. */
  readonly name: string;
  readonly stackBase: number;
  readonly stackLimit: number;
  startRoutine: number;
  startContext: number;
  state: 'ready' | 'running' | 'waiting' | 'terminated';
  exitStatus: number;
  /**
   * KernelApcDisable: 0 normally; KeEnterCriticalRegion and acquiring a mutex decrement it,
   * KeLeaveCriticalRegion and releasing the mutex increment it.
   */
  kernelApcDisable: number;
  /** SpecialApcDisable: KeEnterGuardedRegion decrements it, KeLeaveGuardedRegion increments it. */
  specialApcDisable: number;
  /** The wait this thread unwound its stack in (state 'waiting'), until the scheduler resumes it. */
  suspendedWait?: SuspendedWait;
}

/** Thrown by PsTerminateSystemThread to unwind a system thread's routine. */
export class ThreadExit {
  constructor(readonly status: number) {}
}
