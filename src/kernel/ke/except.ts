/**
 * Structured exception handling: the kernel's half (KiDispatchException's job). A C driver's
 * __try registers a frame (ddk/include/dv/seh.h, a DV_SEH_FRAME on its stack) with the stack it runs
 * on; an exception raised by a DDI (ExRaiseStatus, ProbeForRead...) goes to the innermost frame of
 * the current stack, whose filter then decides: run the handler, or search on outwards. An exception
 * no frame takes is the bug check Windows gives an unhandled kernel-mode exception, raised where the
 * exception was, so the stack and the address are the raise's.
 *
 * How control gets back to the frame is the loader's business (a setjmp point in wasm: see
 * loader/wasm/sjlj.ts); here a C frame is only an address, and an exception travelling to one is a
 * host exception, NtException. A TypeScript driver's __try (`ddi.__try`, see guard()) is a host
 * frame: a JS catch does the unwinding, and its filter gets the exception record as an object.
 * Both kinds share one chain per stack, so on a stack where C and TypeScript drivers call each other
 * (IoCallDriver) an exception still goes to the innermost frame, whichever kind it is.
 *
 * Differences from Windows, by construction: a filter runs after the stack above its frame is
 * unwound (Windows runs filters first, then unwinds), so an inner __finally block runs before an
 * outer filter; and every exception is noncontinuable (EXCEPTION_CONTINUE_EXECUTION raises
 * STATUS_NONCONTINUABLE_EXCEPTION, as Windows does for the exceptions DDIs raise).
 */
import { DV_SEH_FRAME, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_EXECUTE_HANDLER, EXCEPTION_MAXIMUM_PARAMETERS, EXCEPTION_RECORD, SEH_STATE } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

/** EXCEPTION_RECORD.ExceptionFlags: the exceptions DDIs raise cannot be continued. */
export const EXCEPTION_NONCONTINUABLE = 0x1;

const F = DV_SEH_FRAME.off;
const R = EXCEPTION_RECORD.off;

/** An NT exception on its way to a driver's handler (thrown through driver and kernel code). */
export class NtException extends Error {
  constructor(
    readonly code: number,
    /** The code address the exception is raised at. */
    readonly address: number,
    readonly parameters: readonly number[] = [],
  ) {
    super(`exception 0x${(code >>> 0).toString(16).padStart(8, '0')} at 0x${(address >>> 0).toString(16)}`);
    this.name = 'NtException';
  }
}

/**
 * Control on its way to a setjmp point further out (a __try frame the exception was sent to, in a
 * function other than the one that caught it first): thrown by a driver's runtime, taken by the
 * function whose point it is. `env` is the point's jump buffer.
 */
export class LongJump extends Error {
  constructor(
    readonly env: number,
    readonly value: number,
  ) {
    super(`longjmp to 0x${(env >>> 0).toString(16)}`);
    this.name = 'LongJump';
  }
}

/** Exceptions that travel through kernel code to a driver's frame further out. */
export const isUnwinding = (e: unknown): e is NtException | LongJump => e instanceof NtException || e instanceof LongJump;

/** A TypeScript driver's __try frame: its identity is all the chain needs (no memory record). */
class HostFrame {}

/** The exception record a TypeScript driver's filter and handler receive (EXCEPTION_RECORD's members). */
export interface ExceptionRecordView {
  readonly ExceptionCode: number;
  readonly ExceptionFlags: number;
  readonly ExceptionAddress: number;
  readonly NumberParameters: number;
  readonly ExceptionInformation: readonly number[];
}

/**
 * The clauses of a TypeScript driver's __try: `except` (a filter, or a disposition as C's
 * `__except (EXCEPTION_EXECUTE_HANDLER)`) with the `handler` it chooses, or `finally` (told whether
 * an exception is passing: AbnormalTermination()). Not both, as in C.
 */
export type SehClauses<T> =
  | {
      readonly except: number | ((code: number, record: ExceptionRecordView) => number);
      readonly handler: (code: number, record: ExceptionRecordView) => T;
      readonly finally?: never;
    }
  | { readonly finally: (abnormal: boolean) => void; readonly except?: never; readonly handler?: never };

type Frame = number | HostFrame;

export class ExceptionDispatcher {
  /** The registered __try frames of each stack (a thread's, or the DPC stack), innermost last. */
  private readonly chains = new WeakMap<object, Frame[]>();

  constructor(private readonly k: Kernel) {}

  private chain(): Frame[] {
    const owner = this.k.currentStack().owner;
    let c = this.chains.get(owner);
    if (!c) {
      c = [];
      this.chains.set(owner, c);
    }
    return c;
  }

  /** A __try body begins: its frame is the innermost of this stack. */
  enter(frame: number): void {
    this.chain().push(frame >>> 0);
  }

  /** A __try body is left (normally, or by return/goto/break): its frame and any inside it go. */
  leave(frame: Frame): void {
    const c = this.chain();
    const i = c.lastIndexOf(typeof frame === 'number' ? frame >>> 0 : frame);
    if (i >= 0) c.length = i;
  }

  /** How many frames the current stack has: a boundary records it, and truncates back to it. */
  depth(): number {
    return this.chain().length;
  }

  /** Frames registered past `depth` belong to code an exception has unwound: they are gone. */
  truncate(depth: number): void {
    const c = this.chain();
    if (c.length > depth) c.length = depth;
  }

  /**
   * Raise an exception at `address`: to the innermost handler, or, when this stack has none, the
   * bug check for an exception no handler takes (raised here, so the crash stack is the raise's).
   */
  raise(code: number, address: number, parameters: readonly number[] = []): never {
    if (this.depth() === 0) return this.k.unhandledNtException(code, address, parameters);
    throw new NtException(code >>> 0, address >>> 0, parameters);
  }

  /** An exception raised where it cannot be thrown at once (see defer), to be raised at the driver's next call. */
  private pending: NtException | undefined;

  /**
   * Raise an exception at the driver's next call instead of now: an access violation found by a wasm
   * image's inline memory check, which runs where no setjmp point can take a throw (only the calls of
   * a function with a __try are routed through invoke_<sig>). The access itself is suppressed (the
   * loader points it at scratch memory), and the exception is raised when the driver next calls
   * anything (a DDI, or a routine through invoke_<sig>, such as its __try's own leave) or returns to the
   * kernel: in the __try the access was in, as Windows would have raised it. With no frame to take it,
   * it is the bug check now. The first deferred exception wins until it is raised.
   */
  defer(code: number, address: number, parameters: readonly number[]): void {
    if (this.depth() === 0) return this.k.unhandledNtException(code, address, parameters);
    this.pending ??= new NtException(code >>> 0, address >>> 0, parameters);
  }

  /** Raise the deferred exception, if there is one (called at each crossing out of driver code). */
  deliverPending(): void {
    const e = this.pending;
    if (!e) return;
    this.pending = undefined;
    this.raise(e.code, e.address, e.parameters);
  }

  /** Raise at the code address that called the DDI now running: how the DDIs that raise do it. */
  raiseFromCaller(code: number): never {
    return this.raise(code >>> 0, this.k.stacks.callerOf());
  }

  /**
   * Send `e` to the innermost frame: write its exception record there, mark the frame as having
   * met it, and take the frame (and its body) off the chain: the filter and the handler run outside
   * it. Returns the frame's jump buffer, where control goes next; or undefined when the innermost
   * frame is a TypeScript driver's, further out on the host stack: the exception goes on as thrown,
   * and that frame's guard() takes it.
   */
  dispatch(e: NtException): number | undefined {
    const c = this.chain();
    if (c.at(-1) instanceof HostFrame) return undefined;
    const frame = c.pop() as number | undefined;
    if (frame === undefined) return this.k.unhandledNtException(e.code, e.address, e.parameters);
    const as = this.k.as;
    const record = frame + F.ExceptionRecord;
    const params = e.parameters.slice(0, EXCEPTION_MAXIMUM_PARAMETERS);
    as.setU32(record + R.ExceptionCode, e.code);
    as.setU32(record + R.ExceptionFlags, EXCEPTION_NONCONTINUABLE);
    as.setU32(record + R.ExceptionRecord, 0);
    as.setU32(record + R.ExceptionAddress, e.address);
    as.setU32(record + R.NumberParameters, params.length);
    params.forEach((p, i) => as.setU32(record + R.ExceptionInformation + 4 * i, p));
    as.setU32(frame + F['ExceptionPointers.ExceptionRecord']!, record);
    as.setU32(frame + F['ExceptionPointers.ContextRecord']!, 0);
    as.setU32(frame + F.State, SEH_STATE.EXCEPTION);
    return frame + F.JumpBuffer;
  }

  /**
   * The frame's filter declined the exception (disposition 0), or asked to continue execution (-1,
   * which no exception a DDI raises allows), or its __finally block ran while the exception passed:
   * the search goes on outwards from the frame's place.
   */
  continueSearch(frame: number, disposition: number): never {
    this.leave(frame);
    const as = this.k.as;
    const record = (frame >>> 0) + F.ExceptionRecord;
    const code = as.u32(record + R.ExceptionCode);
    const address = as.u32(record + R.ExceptionAddress);
    if ((disposition | 0) < 0) return this.raise(STATUS.NONCONTINUABLE_EXCEPTION, address);
    const count = Math.min(as.u32(record + R.NumberParameters), EXCEPTION_MAXIMUM_PARAMETERS);
    const parameters = Array.from({ length: count }, (_, i) => as.u32(record + R.ExceptionInformation + 4 * i));
    return this.raise(code, address, parameters);
  }

  /**
   * A TypeScript driver's __try: run `body` with a host frame registered on this stack. An NT
   * exception raised inside it (and not taken by a frame further in) comes back here as thrown: the
   * frame leaves the chain, then the filter decides (EXCEPTION_EXECUTE_HANDLER runs the handler,
   * whose value __try returns; EXCEPTION_CONTINUE_SEARCH sends the exception on outwards), or the
   * finally clause runs and the exception goes on. The same rules as a C frame's (continueSearch):
   * a negative disposition raises STATUS_NONCONTINUABLE_EXCEPTION, and with no frame further out
   * the exception is the bug check, at the address it was raised at. Other host exceptions (a bug
   * check, the driver's own `throw`) are no NT exception: they pass untouched, as a wasm trap passes
   * a C __try, and no clause runs.
   */
  guard<T>(body: () => T, clauses: SehClauses<T>): T {
    const frame = new HostFrame();
    this.chain().push(frame);
    let result: T;
    try {
      result = body();
    } catch (e) {
      const c = this.chain();
      const i = c.lastIndexOf(frame);
      // Not ours to take: not an NT exception, or one already sent to a frame further out.
      if (!(e instanceof NtException) || i < 0) {
        if (i >= 0) c.length = i;
        throw e;
      }
      // Frames inside this one belong to code the exception has unwound; the clauses run outside it.
      c.length = i;
      const record: ExceptionRecordView = Object.freeze({
        ExceptionCode: e.code,
        ExceptionFlags: EXCEPTION_NONCONTINUABLE,
        ExceptionAddress: e.address,
        NumberParameters: Math.min(e.parameters.length, EXCEPTION_MAXIMUM_PARAMETERS),
        ExceptionInformation: Object.freeze(e.parameters.slice(0, EXCEPTION_MAXIMUM_PARAMETERS)),
      });
      let disposition = EXCEPTION_CONTINUE_SEARCH;
      if (clauses.finally) clauses.finally(true);
      else disposition = typeof clauses.except === 'number' ? clauses.except : clauses.except(record.ExceptionCode, record);
      if ((disposition | 0) >= EXCEPTION_EXECUTE_HANDLER) return clauses.handler!(record.ExceptionCode, record);
      if ((disposition | 0) < 0) return this.raise(STATUS.NONCONTINUABLE_EXCEPTION, e.address);
      return this.raise(e.code, e.address, e.parameters);
    }
    this.leave(frame);
    clauses.finally?.(false);
    return result;
  }
}
