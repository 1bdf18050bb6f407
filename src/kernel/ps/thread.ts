/**
 * Threads and processes. An ETHREAD/EPROCESS lives in nonpaged pool so its address is real; the
 * scheduler's view of a thread (stack bounds, start routine, state) is host-side.
 */
export interface Process {
  readonly address: number;
  readonly name: string;
}

export interface Thread {
  readonly address: number;
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
}

/** Thrown by PsTerminateSystemThread to unwind a system thread's routine. */
export class ThreadExit {
  constructor(readonly status: number) {}
}
