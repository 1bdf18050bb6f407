import { bugCheckName } from '../nt/bugcheck.ts';
import { ThreadExit } from './ps/thread.ts';
import { isUnwinding } from './ke/except.ts';

/** The simulated machine stopped: KeBugCheckEx was called. Carries the code and four parameters. */
export class BugCheck extends Error {
  readonly code: number;
  readonly params: readonly [number, number, number, number];
  constructor(code: number, p1: number, p2: number, p3: number, p4: number) {
    const params = [p1 >>> 0, p2 >>> 0, p3 >>> 0, p4 >>> 0] as const;
    super(`${bugCheckName(code)} (${code.toString(16)}) ${params.map((p) => '0x' + p.toString(16)).join(' ')}`);
    this.name = 'BugCheck';
    this.code = code >>> 0;
    this.params = params;
  }
}

/** A failure of the simulator or of its use, not of the simulated machine: never a bug check. */
export class SimulatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** A driver's DriverEntry returned a failure status: the image was unloaded. */
export class DriverEntryFailed extends SimulatorError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DriverEntryFailed';
  }
}

/** A driver imports a routine the kernel does not export. */
export class UnresolvedImportError extends SimulatorError {
  constructor(readonly driver: string, readonly routine: string) {
    super(`${driver} imports ${routine}, which the simulated kernel does not export`);
    this.name = 'UnresolvedImportError';
  }
}

/** Nothing left to run can ever satisfy a wait: on Windows the thread would hang for good. */
export class HangError extends SimulatorError {
  constructor(message: string) {
    super(message);
    this.name = 'HangError';
  }
}

/**
 * A fault of dv itself (kernel, verifier or debugger code), never of the simulated machine or of
 * the driver: dv exits 3 with it. `cause` is the exception as it was thrown.
 */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/**
 * What an exception leaving kernel or verifier code that serves a DDI call is: the machine's own
 * stops (a bug check, a thread's exit, a simulator error, an internal error found deeper) pass
 * unchanged; anything else started in our code, since driver code called from inside the DDI is
 * behind its own callRoutine, which has already turned the driver's faults into bug checks.
 */
export function ddiFault(e: unknown, ddi: string): unknown {
  // An NT exception a DDI raises is on its way to the driver's handler.
  if (e instanceof BugCheck || e instanceof SimulatorError || e instanceof InternalError || e instanceof ThreadExit || isUnwinding(e)) return e;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new InternalError(`${ddi} failed inside the simulator: ${text}`, { cause: e });
}
