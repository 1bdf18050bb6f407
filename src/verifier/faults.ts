/**
 * Low resources simulation: the verifier fails some of a verified driver's allocating DDI calls, as
 * a machine short of memory would.
 *
 * - Randomized (0x4): after a grace period from boot (8 minutes by default, simulated time: the
 *   Low Resources Simulation page's value; verifier /faults' DelayMins), each allocation fails with
 *   a probability (600 in 10000, 6%, the documented default), optionally only for some pool tags.
 *   The draws come from a seeded PRNG, so a run replays byte for byte from its seed.
 * - Systematic (0x40000): the first call of each distinct stack (the DDI and the driver's own call
 *   sites, as offsets into its image so the identity survives a reload at another base) fails; every
 *   later call with the same stack succeeds. No grace period: it starts at DriverEntry.
 * - A plan (`dv run --faults exhaustive`): every failure point is recorded and only the one named
 *   fails, once: a run takes exactly one failure path.
 *
 * The verifier's own allocations (its records, its watchdog) never pass through here: only calls a
 * verified driver makes through its import thunks can fail.
 */
import type { Kernel } from '../kernel/kernel.ts';
import { TICKS_PER_MS } from '../kernel/ke/clock.ts';
import { VF } from './flags.ts';
import { formatSymbol } from '../kernel/symbols.ts';

/** The documented defaults (Low Resources Simulation page): 6%, all tags, 8 minutes after boot. */
export const FAULT_DEFAULTS = {
  /** Out of 10000, as verifier /faults takes it. */
  probability: 600,
  delay: 8 * 60 * 1000 * TICKS_PER_MS,
  seed: 1,
} as const;

export interface FaultSettings {
  /** The PRNG's seed (`dv run --seed`). */
  readonly seed?: number;
  /** Failures per 10000 calls (randomized only). */
  readonly probability?: number;
  /** Simulated time after boot before the randomized simulation fails anything, in 100 ns units. */
  readonly delay?: number;
  /** Fail only pool allocations with these tags (randomized only; empty or absent: every tag). */
  readonly tags?: readonly number[];
  /** Fail only this failure point (its key), the first time it is reached; nothing else fails. */
  readonly target?: string;
  /** Record the failure points reached and fail nothing (the first run of --faults exhaustive). */
  readonly discover?: boolean;
}

/** One place a driver can be failed: an allocating DDI called from one stack of the driver's. */
export interface FailurePoint {
  /** `<Ddi>@<stack hash>`: the identity systematic simulation and --faults exhaustive use. */
  readonly key: string;
  readonly ddi: string;
  /** Hash of the driver's call sites (offsets into its image), innermost first. */
  readonly stackHash: number;
  /** The driver's innermost call site when first reached (0 when no stack could be taken). */
  readonly caller: number;
  /** `driver!Function+0x..` of the caller, taken then (the driver may be gone when it is read). */
  readonly callerSymbol: string;
}

/** A call the verifier failed. */
export interface InjectedFault extends FailurePoint {
  readonly thread: number;
  /** Simulated time of the failure (100 ns units since boot). */
  readonly time: number;
  /** The stack at the failure, innermost first: the thunk's frames, the driver's, the kernel's. */
  readonly stack: readonly number[];
  /** The same, symbolized then (`nt!VerifierExAllocatePoolWithTag+0x24`, `MyDriver!Read+0x1c`). */
  readonly symbols: readonly string[];
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; one state word, so a seed is the whole state. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 2^32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 2 ** 32) * n);
  }
}

/** What a thunk tells the injector about one call. */
export interface FaultCall {
  readonly ddi: string;
  /** The verified driver's image: its call sites are kept as offsets into it. */
  readonly base: number;
  readonly size: number;
  /** The pool tag of a pool allocation (undefined for other DDIs: the tag filter passes them). */
  readonly tag?: number;
  /** The thunk's own nt frames, innermost first. */
  readonly frames: readonly number[];
}

export class FaultInjector {
  /** Every failure point reached, in the order first reached. */
  readonly points = new Map<string, FailurePoint>();
  readonly injected: InjectedFault[] = [];
  private readonly prng: Prng;
  readonly seed: number;
  readonly probability: number;
  readonly delay: number;
  readonly tags: readonly number[];
  readonly target?: string;
  readonly discover: boolean;

  constructor(
    private readonly k: Kernel,
    readonly flags: number,
    settings: FaultSettings = {},
  ) {
    this.seed = (settings.seed ?? FAULT_DEFAULTS.seed) >>> 0;
    this.probability = settings.probability ?? FAULT_DEFAULTS.probability;
    this.delay = settings.delay ?? FAULT_DEFAULTS.delay;
    this.tags = settings.tags ?? [];
    this.target = settings.target;
    this.discover = settings.discover ?? false;
    this.prng = new Prng(this.seed);
  }

  /** A --faults exhaustive run: its plan decides alone, whatever the flags say. */
  private get plan(): 'discover' | 'target' | undefined {
    return this.target !== undefined ? 'target' : this.discover ? 'discover' : undefined;
  }

  /** Whether calls are watched in this run (and may be failed). */
  get active(): boolean {
    return this.discover || this.target !== undefined || (this.flags & (VF.RANDOMIZED_LOW_RESOURCES | VF.SYSTEMATIC_LOW_RESOURCES)) !== 0;
  }

  get randomized(): boolean {
    return this.plan === undefined && (this.flags & VF.RANDOMIZED_LOW_RESOURCES) !== 0;
  }

  /** Decide one call: true means fail it (the thunk then returns the DDI's failure). */
  shouldFail(call: FaultCall): boolean {
    if (!this.active) return false;
    const stack = this.captureStack();
    const sites = stack.filter((pc) => pc >= call.base && pc < call.base + call.size);
    const stackHash = hashOffsets(sites.map((pc) => pc - call.base));
    const key = `${call.ddi}@${stackHash.toString(16).padStart(8, '0')}`;
    const first = !this.points.has(key);
    const caller = sites[0] ?? 0;
    const callerSymbol = () => (caller === 0 ? '?' : formatSymbol(this.k.modules, caller));
    if (first) this.points.set(key, { key, ddi: call.ddi, stackHash, caller, callerSymbol: callerSymbol() });
    if (!this.decide(key, first, call)) return false;
    const full = [...call.frames, ...stack];
    const symbols = full.map((pc) => formatSymbol(this.k.modules, pc));
    this.injected.push({ key, ddi: call.ddi, stackHash, caller, callerSymbol: callerSymbol(), thread: this.k.currentThread.address, time: this.k.clock.now, stack: full, symbols });
    return true;
  }

  private decide(key: string, first: boolean, call: FaultCall): boolean {
    if (this.plan === 'discover') return false;
    if (this.plan === 'target') return key === this.target && !this.injected.some((f) => f.key === key);
    if (this.flags & VF.SYSTEMATIC_LOW_RESOURCES && first) return true;
    if (!(this.flags & VF.RANDOMIZED_LOW_RESOURCES)) return false;
    if (this.k.clock.now < this.delay) return false;
    if (this.tags.length > 0 && (call.tag === undefined || !this.tags.includes(call.tag >>> 0))) return false;
    return this.prng.below(10_000) < this.probability;
  }

  /** The stack now; taken even with caller capture off (--no-stacks), since stack identity needs it. */
  private captureStack(): number[] {
    const s = this.k.stacks;
    if (s.captureEnabled) return s.capture();
    s.captureEnabled = true;
    try {
      return s.capture();
    } finally {
      s.captureEnabled = false;
    }
  }
}

/** FNV-1a over the driver's call-site offsets: the stack's identity, whatever the image's base. */
function hashOffsets(offsets: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const o of offsets) h = Math.imul(h ^ o, 0x01000193);
  return h >>> 0;
}
