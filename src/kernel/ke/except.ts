/**
 * Structured exception handling: the kernel's half (KiDispatchException's job). A C driver's
 * __try registers a frame (ddk/include/dv/seh.h, a DV_SEH_FRAME on its stack) with the stack it runs
 * on; an exception raised by a DDI (ExRaiseStatus, ProbeForRead...) goes to the innermost frame of
 * the current stack, whose filter then decides: run the handler, or search on outwards. An exception
 * no frame takes is the bug check Windows gives an unhandled kernel-mode exception, raised where the
 * exception was, so the stack and the address are the raise's.
 *
 * How control gets back to the frame is the loader's business (a setjmp point in wasm: see
 * loader/wasm/sjlj.ts); here the frames are only addresses, and an exception travelling to one is a
 * host exception, NtException.
 *
 * Differences from Windows, by construction: a filter runs after the stack above its frame is
 * unwound (Windows runs filters first, then unwinds), so an inner __finally block runs before an
 * outer filter; and every exception is noncontinuable (EXCEPTION_CONTINUE_EXECUTION raises
 * STATUS_NONCONTINUABLE_EXCEPTION, as Windows does for the exceptions DDIs raise).
 */
import { DV_SEH_FRAME, EXCEPTION_MAXIMUM_PARAMETERS, EXCEPTION_RECORD, SEH_STATE } from '../../nt/layout.ts';
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

export class ExceptionDispatcher {
  /** The registered __try frames of each stack (a thread's, or the DPC stack), innermost last. */
  private readonly chains = new WeakMap<object, number[]>();

  constructor(private readonly k: Kernel) {}

  private chain(): number[] {
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
  leave(frame: number): void {
    const c = this.chain();
    const i = c.lastIndexOf(frame >>> 0);
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

  /**
   * Send `e` to the innermost frame: write its exception record there, mark the frame as having
   * met it, and take the frame (and its body) off the chain: the filter and the handler run outside
   * it. Returns the frame's jump buffer, where control goes next.
   */
  dispatch(e: NtException): number {
    const frame = this.chain().pop();
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
}
