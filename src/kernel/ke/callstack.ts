/**
 * Call stacks of the simulated machine, kept as a shadow stack of code addresses:
 * - kernel routines push their return addresses (`nt!IofCallDriver+0x62`);
 * - driver code pushes the address of each call it makes: the loader instruments every call site of
 *   a TypeScript driver to go through `callAt`, so the driver's frames are exact and cost nanoseconds;
 * - wasm drivers push the address of each call they make on a ring in simulated memory (the loader
 *   rewrites each call site to do so): `wasmSp` is its top, and each gate remembers where it stood.
 * A capture therefore reads as it would in kd: verifier thunk, driver routine, driver caller, ...,
 * the kernel's I/O path.
 */

/**
 * Maps one host call site to a code address inside a driver image, or undefined if it is not driver
 * code: how a host exception's stack (a wasm trap) locates the faulting instruction.
 */
export type FrameResolver = (site: NodeJS.CallSite) => number | undefined;

/** Where an exception thrown in driver code was first seen: the innermost instrumented call site. */
export const FAULT_PC = Symbol('dv.faultPc');

type AnyFunction = (...args: unknown[]) => unknown;

export class CallStacks {
  /**
   * The shadow stack: code addresses in [0, top). A typed array with its own top, not an array: popping
   * by `length =` trimmed the array's store, and the next push allocated a new one (every request).
   */
  private shadow = new Uint32Array(256);
  private top = 0;
  /** The shadow stack's depth at each gate, outermost first. */
  private readonly gates: number[] = [];
  private readonly resolvers: FrameResolver[] = [];
  /** wasmSp at each gate, outermost first. */
  private readonly gateWasmSp: number[] = [];
  /**
   * Top of the wasm call-site ring, as a byte count: the call sites of running wasm code are the
   * u32s at ring offsets [a gate's mark, wasmSp). The loader keeps it in step with the running
   * image's own counter at every kernel/driver crossing.
   */
  wasmSp = 0;
  /** The call site at ring position `x` (a byte count; the ring wraps): the loader reads memory. */
  readWasmCallSite: (x: number) => number = () => 0;
  /** The frame base (`__stack_pointer`) stored with the call site at ring position `x`: the loader reads memory. */
  readWasmFrameBase: (x: number) => number = () => 0;
  /** The running wasm code's `__stack_pointer` now (the loader's machine-wide global); 0 without wasm. */
  wasmStackPointer: () => number = () => 0;
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
    this.push(returnAddress);
    try {
      return body();
    } finally {
      this.top--;
    }
  }

  /** Run `body` with several return addresses pushed (outermost first), in one host frame. */
  frames<T>(returnAddresses: readonly number[], body: () => T): T {
    const depth = this.pushFrames(returnAddresses);
    try {
      return body();
    } finally {
      this.top = depth;
    }
  }

  /** Push return addresses (outermost first); returns the depth popFrames goes back to. For hot paths that cannot afford a closure. */
  pushFrames(returnAddresses: readonly number[]): number {
    const depth = this.top;
    for (let i = 0; i < returnAddresses.length; i++) this.push(returnAddresses[i]!);
    return depth;
  }

  popFrames(depth: number): void {
    this.top = depth;
  }

  private push(pc: number): void {
    if (this.top === this.shadow.length) {
      const bigger = new Uint32Array(this.shadow.length * 2);
      bigger.set(this.shadow);
      this.shadow = bigger;
    }
    this.shadow[this.top++] = pc;
  }

  /** An instrumented call site in driver code: `f(...args)` made at code address `pc`. */
  readonly callAt = (pc: number, f: AnyFunction, ...args: unknown[]): unknown => {
    this.push(pc);
    try {
      return f(...args);
    } catch (e) {
      tagFault(e, pc);
      throw e;
    } finally {
      this.top--;
    }
  };

  /** An instrumented method call `self[key](...args)` made at code address `pc`. */
  readonly callMethodAt = (pc: number, self: Record<PropertyKey, unknown>, key: PropertyKey, ...args: unknown[]): unknown => {
    this.push(pc);
    try {
      return (self[key] as AnyFunction).apply(self, args);
    } catch (e) {
      tagFault(e, pc);
      throw e;
    } finally {
      this.top--;
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
    this.push(pc);
    try {
      this.onBackEdges(pc, CallStacks.LOOP_QUANTUM);
    } finally {
      this.top--;
    }
  };

  /** An instrumented `throw` in driver code at `pc`: `throw __dvt(pc, value)`. */
  readonly throwAt = (pc: number, value: unknown): unknown => {
    tagFault(value, pc);
    return value;
  };

  /**
   * Run `body` with the wasm call-site ring's top at `sp` (a running image's own counter, read where
   * the kernel is entered without a DDI's wrapper: a probe or a sanitizer call), and put it back after.
   */
  atWasmSp<T>(sp: number, body: () => T): T {
    const outer = this.wasmSp;
    this.wasmSp = sp;
    try {
      return body();
    } finally {
      this.wasmSp = outer;
    }
  }

  /** Call into driver code. The function name marks the gate in host stacks. */
  KiCallDriverGate<T>(body: () => T): T {
    this.enterGate();
    try {
      return body();
    } finally {
      this.leaveGate();
    }
  }

  /** KiCallDriverGate in two halves, for the kernel's call of a routine (no closure per call): every enterGate is paired with a leaveGate in a finally. */
  enterGate(): void {
    this.gates.push(this.top);
    this.gateWasmSp.push(this.wasmSp);
  }

  leaveGate(): void {
    this.gates.pop();
    this.gateWasmSp.pop();
  }

  /**
   * The current stack, innermost first: at each gate, the shadow frames pushed since it (the kernel's
   * and a TypeScript driver's), then the wasm call sites pushed since it. `skip` is unused (no host
   * stack is walked); it stays for callers that name the routine asking.
   */
  capture(_skip?: Function): number[] {
    const out: number[] = [];
    this.captureInto(out, 0);
    return out;
  }

  /**
   * capture()'s frames written into `out` from index `start` on (a scratch array the verifier reuses, so
   * a capture makes no garbage); returns the index after the last. At most maxFrames are written.
   */
  captureInto(out: number[], start: number): number {
    if (!this.captureEnabled) return start;
    let n = start;
    let top = this.top;
    let wasmTop = this.wasmSp;
    const end = start + this.maxFrames;
    for (let g = this.gates.length - 1; g >= 0 && n < end; g--) {
      const from = this.gates[g]!;
      for (let i = top - 1; i >= from && n < end; i--) out[n++] = this.shadow[i]!;
      const wasmFrom = this.gateWasmSp[g]!;
      for (let x = wasmTop - 4; x >= wasmFrom && n < end; x -= 4) out[n++] = this.readWasmCallSite(x);
      top = from;
      wasmTop = wasmFrom;
    }
    for (let i = top - 1; i >= 0 && n < end; i--) out[n++] = this.shadow[i]!;
    return n;
  }

  /**
   * capture(), with each frame's base beside it: the wasm stack pointer at the call a wasm frame made
   * (its DWARF frame base, which the debugger locates memory locals from), 0 for the others.
   */
  captureWithFrameBases(): { stack: number[]; frameBases: number[] } {
    const stack = this.capture();
    const frameBases = new Array<number>(stack.length).fill(0);
    // The same walk as capture(), each frame checked against it: a walk out of step gives no bases, never wrong ones.
    let n = 0;
    let top = this.top;
    let wasmTop = this.wasmSp;
    for (let g = this.gates.length - 1; g >= 0 && n < stack.length; g--) {
      // A driver address the kernel pushed above the innermost gate's calls is where wasm code is now
      // (a faulting access, a loop's watchdog probe): its frame's base is the stack pointer now.
      const innermost = g === this.gates.length - 1;
      for (let i = top - 1; i >= this.gates[g]! && n < stack.length; i--, n++) {
        if (this.shadow[i] !== stack[n]) return { stack, frameBases: frameBases.fill(0) };
        if (innermost && !this.isKernel(stack[n]!)) frameBases[n] = this.wasmStackPointer() >>> 0;
      }
      const wasmFrom = this.gateWasmSp[g]!;
      for (let x = wasmTop - 4; x >= wasmFrom && n < stack.length; x -= 4, n++) {
        if (this.readWasmCallSite(x) !== stack[n]) return { stack, frameBases: frameBases.fill(0) };
        frameBases[n] = this.readWasmFrameBase(x) >>> 0;
      }
      top = this.gates[g]!;
      wasmTop = wasmFrom;
    }
    return { stack, frameBases };
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
