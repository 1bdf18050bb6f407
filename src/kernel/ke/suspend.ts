/**
 * A thread's wait that gave up the processor by unwinding the thread's driver stack (a wasm image
 * transformed by loader/wasm/asyncify.ts). The scheduler (ke/dispatcher.ts) resumes the thread when
 * the wait can end: the thread's start routine is entered again, its stack rewinds to the wait,
 * and the wait, called again, finishes as if it had never left.
 */
export interface StackSwitch {
  /** Start unwinding the current driver stack back to the thread's start routine; false if it cannot be unwound (other frames in between). */
  unwind(): boolean;
  /** Arm the next entry of the start routine to rewind the stack that unwind() saved. */
  rewind(): void;
}

export interface SuspendedWait {
  /** Objects waited on (none for KeDelayExecutionThread), and whether all of them must be signaled. */
  readonly objects: readonly number[];
  readonly waitAll: boolean;
  /** When the wait times out (the clock's units), or undefined for no time-out. */
  readonly deadline: number | undefined;
  readonly stack: StackSwitch;
  /** The IRQL the thread waited at (APC_LEVEL in a guarded region): it resumes at it. */
  readonly irql: number;
  /** True once the thread is rewinding into its wait (cleared by the wait when it takes it back). */
  resumed: boolean;
}
