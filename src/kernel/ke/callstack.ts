/**
 * Call stacks of the simulated machine, kept as a shadow stack of code addresses:
 * - kernel routines push their return addresses (`nt!IofCallDriver+0x62`);
 * - driver code pushes the address of each call it makes: the loader instruments every call site of
 *   a TypeScript driver to go through `callAt`, so the driver's frames are exact and cost nanoseconds;
 * - drivers whose calls cannot be instrumented (wasm) are seen through the host's own stack at each
 *   kernel-to-driver gate, mapped by a resolver the loader registers.
 * A capture therefore reads as it would in kd: verifier thunk, driver routine, driver caller, ...,
 * the kernel's I/O path.
 */

/** Maps one host call site to a code address inside a driver image, or undefined if it is not driver code. */
export type FrameResolver = (site: NodeJS.CallSite) => number | undefined;

/** Where an exception thrown in driver code was first seen: the innermost instrumented call site. */
export const FAULT_PC = Symbol('dv.faultPc');

const GATE_NAME = 'KiCallDriverGate';
const SHALLOW_FRAMES = 16;
const DEEP_FRAMES = 128;

const isGate = (site: NodeJS.CallSite) => site.getFunctionName() === GATE_NAME || site.getMethodName() === GATE_NAME;
const countGates = (sites: readonly NodeJS.CallSite[]) => sites.reduce((n, s) => n + (isGate(s) ? 1 : 0), 0);

type AnyFunction = (...args: unknown[]) => unknown;

export class CallStacks {
  private readonly shadow: number[] = [];
  /** shadow.length at each gate, outermost first. */
  private readonly gates: number[] = [];
  private readonly resolvers: FrameResolver[] = [];
  /** Set false to record no callers or stacks (benchmarks: "caller capture off"). */
  captureEnabled = true;
  maxFrames = 32;

  /** `isKernel(pc)`: the address is kernel code (not a driver's). */
  constructor(private readonly isKernel: (pc: number) => boolean) {}

  addResolver(r: FrameResolver): void {
    this.resolvers.push(r);
  }

  /** Run `body` with `returnAddress` on the shadow stack (a kernel routine calling deeper). */
  frame<T>(returnAddress: number, body: () => T): T {
    this.shadow.push(returnAddress);
    try {
      return body();
    } finally {
      this.shadow.pop();
    }
  }

  /** Run `body` with several return addresses pushed (outermost first), in one host frame. */
  frames<T>(returnAddresses: readonly number[], body: () => T): T {
    const depth = this.shadow.length;
    this.shadow.push(...returnAddresses);
    try {
      return body();
    } finally {
      this.shadow.length = depth;
    }
  }

  /** An instrumented call site in driver code: `f(...args)` made at code address `pc`. */
  readonly callAt = (pc: number, f: AnyFunction, ...args: unknown[]): unknown => {
    this.shadow.push(pc);
    try {
      return f(...args);
    } catch (e) {
      tagFault(e, pc);
      throw e;
    } finally {
      this.shadow.pop();
    }
  };

  /** An instrumented method call `self[key](...args)` made at code address `pc`. */
  readonly callMethodAt = (pc: number, self: Record<PropertyKey, unknown>, key: PropertyKey, ...args: unknown[]): unknown => {
    this.shadow.push(pc);
    try {
      return (self[key] as AnyFunction).apply(self, args);
    } catch (e) {
      tagFault(e, pc);
      throw e;
    } finally {
      this.shadow.pop();
    }
  };

  /** Loop iterations of TypeScript drivers between two reports to the kernel's watchdog. */
  static readonly LOOP_QUANTUM = 1 << 16;
  private loopsLeft = CallStacks.LOOP_QUANTUM;
  /** Told of every LOOP_QUANTUM iterations, with the loop that completed the batch on the stack. */
  onBackEdges: (pc: number, edges: number) => void = () => {};

  /** An instrumented loop back edge in driver code: `__dvl(pc)` at the top of each iteration. */
  readonly loopAt = (pc: number): void => {
    if (--this.loopsLeft > 0) return;
    this.loopsLeft = CallStacks.LOOP_QUANTUM;
    this.shadow.push(pc);
    try {
      this.onBackEdges(pc, CallStacks.LOOP_QUANTUM);
    } finally {
      this.shadow.pop();
    }
  };

  /** An instrumented `throw` in driver code at `pc`: `throw __dvt(pc, value)`. */
  readonly throwAt = (pc: number, value: unknown): unknown => {
    tagFault(value, pc);
    return value;
  };

  /** Call into driver code. The function name marks the gate in host stacks. */
  KiCallDriverGate<T>(body: () => T): T {
    this.gates.push(this.shadow.length);
    try {
      return body();
    } finally {
      this.gates.pop();
    }
  }

  /**
   * The current stack, innermost first. `skip` is the function a host capture starts below (the
   * thunk or DDI that asks), used only for drivers seen through the host stack.
   */
  capture(skip?: Function): number[] {
    if (!this.captureEnabled) return [];
    if (this.resolvers.length === 0 || this.gates.length === 0) return this.shadowOnly();
    return this.spliceHostFrames(skip);
  }

  private shadowOnly(): number[] {
    const out: number[] = [];
    for (let i = this.shadow.length - 1; i >= 0 && out.length < this.maxFrames; i--) out.push(this.shadow[i]!);
    return out;
  }

  /** Walk the host stack innermost first; at each gate, splice in the shadow frames pushed since the previous one. */
  private spliceHostFrames(skip?: Function): number[] {
    let sites = hostCallSites(skip, SHALLOW_FRAMES);
    if (sites.length === SHALLOW_FRAMES && countGates(sites) < this.gates.length) sites = hostCallSites(skip, DEEP_FRAMES);
    const out: number[] = [];
    let gate = this.gates.length - 1;
    let top = this.shadow.length;
    const emitShadow = (from: number, to: number) => {
      for (let i = from - 1; i >= to; i--) out.push(this.shadow[i]!);
    };
    emitShadow(top, gate >= 0 ? this.gates[gate]! : 0);
    if (gate >= 0) top = this.gates[gate]!;
    for (const site of sites) {
      if (out.length >= this.maxFrames) break;
      if (isGate(site)) {
        const below = gate > 0 ? this.gates[gate - 1]! : 0;
        gate--;
        emitShadow(top, below);
        top = below;
        continue;
      }
      for (const r of this.resolvers) {
        const pc = r(site);
        if (pc !== undefined) {
          out.push(pc);
          break;
        }
      }
    }
    if (gate >= 0) emitShadow(top, 0);
    return out.slice(0, this.maxFrames);
  }

  /** The innermost driver code address on the stack, or 0: the `Caller` of `!verifier 3`. */
  callerOf(skip?: Function): number {
    if (!this.captureEnabled) return 0;
    const stack = this.capture(skip);
    return stack.find((pc) => !this.isKernel(pc)) ?? 0;
  }

  /** Where a host exception in driver code came from, or 0. */
  addressOfError(err: Error): number {
    const tagged = (err as unknown as Record<symbol, unknown>)[FAULT_PC];
    if (typeof tagged === 'number') return tagged;
    for (const line of (err.stack ?? '').split('\n')) {
      // `at f (wasm://wasm/<id>:wasm-function[N]:0x<offset>)` or `at f (file:///x.mjs:line:col)`.
      const wasm = /\((wasm:\/\/[^:)]+)(?::wasm-function\[\d+\])?:0x([0-9a-f]+)\)/.exec(line);
      const js = wasm ? null : /\(?((?:file|wasm):[^)\s]*?):(\d+):(\d+)\)?\s*$/.exec(line);
      if (!wasm && !js) continue;
      const site = wasm ? parsedSite(wasm[1]!, 1, Number.parseInt(wasm[2]!, 16) + 1) : parsedSite(js![1]!, Number(js![2]), Number(js![3]));
      for (const r of this.resolvers) {
        const pc = r(site);
        if (pc !== undefined) return pc;
      }
    }
    return 0;
  }
}

export function tagFault(e: unknown, pc: number): void {
  if (typeof e === 'object' && e !== null && !(FAULT_PC in e)) {
    try {
      Object.defineProperty(e, FAULT_PC, { value: pc });
    } catch {
      // A frozen object: the fault address stays unknown.
    }
  }
}

function hostCallSites(skip: Function | undefined, limit: number): NodeJS.CallSite[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, sites) => sites;
  Error.stackTraceLimit = limit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, skip ?? hostCallSites);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = savedPrepare;
  Error.stackTraceLimit = savedLimit;
  return sites;
}

/** A CallSite-shaped view of one parsed `file:line:col` stack line. */
function parsedSite(file: string, line: number, column: number): NodeJS.CallSite {
  const site = {
    getFileName: () => file,
    getScriptNameOrSourceURL: () => file,
    getLineNumber: () => line,
    getColumnNumber: () => column,
    getFunctionName: () => null,
    getMethodName: () => null,
    getPosition: () => column - 1,
  };
  return site as unknown as NodeJS.CallSite;
}
