/**
 * Call stacks of the simulated machine. Kernel routines push their return addresses on a shadow
 * stack (`nt!IofCallDriver+0x62`); driver frames come from the host's own stack, mapped by the
 * loader to code addresses. A capture walks the host stack innermost first and splices in the
 * kernel frames at each kernel-to-driver gate, so a stack reads as it would in kd:
 * verifier thunk, driver routine, driver caller, ..., kernel I/O path.
 */

/** Maps one host call site to a code address inside a driver image, or undefined if it is not driver code. */
export type FrameResolver = (site: NodeJS.CallSite) => number | undefined;

const GATE_NAME = 'KiCallDriverGate';

export class CallStacks {
  private readonly shadow: number[] = [];
  /** shadow.length at each gate, outermost first. */
  private readonly gates: number[] = [];
  private readonly resolvers: FrameResolver[] = [];
  /** Set false to skip host stack capture (benchmarks: "caller capture off"). */
  captureEnabled = true;
  maxFrames = 24;

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

  /** Call into driver code. The function name marks the gate in host stacks. */
  KiCallDriverGate<T>(body: () => T): T {
    this.gates.push(this.shadow.length);
    try {
      return body();
    } finally {
      this.gates.pop();
    }
  }

  /** The kernel frames only (no host capture): what a stack looks like when capture is off. */
  kernelOnly(): number[] {
    return this.shadow.slice().reverse();
  }

  /**
   * The current stack, innermost first. `skip` is the function the capture starts below (the thunk
   * or DDI that asks), so its own host frames do not show.
   */
  capture(skip?: Function): number[] {
    if (!this.captureEnabled) return this.kernelOnly();
    const sites = hostCallSites(skip, 64);
    const out: number[] = [];
    let gate = this.gates.length - 1;
    // Kernel frames pushed after the innermost gate (inside the current DDI) come first.
    let top = this.shadow.length;
    const emitKernel = (from: number, to: number) => {
      for (let i = from - 1; i >= to; i--) out.push(this.shadow[i]!);
    };
    emitKernel(top, gate >= 0 ? this.gates[gate]! : 0);
    if (gate >= 0) top = this.gates[gate]!;
    for (const site of sites) {
      if (out.length >= this.maxFrames) break;
      if (site.getFunctionName() === GATE_NAME || site.getMethodName() === GATE_NAME) {
        const below = gate > 0 ? this.gates[gate - 1]! : 0;
        gate--;
        emitKernel(top, below);
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
    return out.slice(0, this.maxFrames);
  }

  /** The innermost driver code address in a host exception's stack, or 0. */
  addressOfError(err: Error): number {
    for (const line of (err.stack ?? '').split('\n')) {
      const m = /\(?((?:file|wasm):[^)\s]*?):(\d+):(\d+)\)?\s*$/.exec(line) ?? /\((wasm:[^)]*):wasm-function\[\d+\]:0x([0-9a-f]+)\)/.exec(line);
      if (!m) continue;
      const site = parsedSite(m[1]!, Number(m[2]), Number(m[3]));
      for (const r of this.resolvers) {
        const pc = r(site);
        if (pc !== undefined) return pc;
      }
    }
    return 0;
  }

  /** The innermost driver frame of the current host stack, or 0: the `Caller` of `!verifier 3`. */
  callerOf(skip?: Function): number {
    if (!this.captureEnabled) return 0;
    for (const site of hostCallSites(skip, 16)) {
      for (const r of this.resolvers) {
        const pc = r(site);
        if (pc !== undefined) return pc;
      }
    }
    return 0;
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
