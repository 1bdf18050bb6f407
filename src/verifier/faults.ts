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
import { VF_TAG } from './tags.ts';

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

/**
 * The fault injection tracker `!verifier 4` reads: a ring in simulated memory of the last TRACKER_SIZE
 * failures, each the failing thread and the top TRACKER_DEPTH frames (our layout; Windows shows the
 * same numbers: 80 entries of 8 frames).
 */
export const TRACKER_SIZE = 80;
export const TRACKER_DEPTH = 8;
const TRACKER_HEADER = 0x10;
/** Thread, then the frames, padded to 8 bytes. */
const TRACKER_ENTRY = 0x28;
const TAG_TRACKER = VF_TAG.FaultTracker;

export interface TrackerEntry {
  readonly index: number;
  readonly address: number;
  readonly thread: number;
  readonly stack: readonly number[];
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
  /** Kernel synchronization delay fuzzing's own stream of the seed (thunks/delay-fuzzing.ts). */
  private readonly delayPrng: Prng;
  /** Delays inserted, and their simulated milliseconds in all. */
  delays = 0;
  delayedMs = 0;
  readonly seed: number;
  readonly probability: number;
  readonly delay: number;
  readonly tags: readonly number[];
  readonly target?: string;
  readonly discover: boolean;
  /** The tracker's address in simulated memory (0 until the first failure). */
  tracker = 0;

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
    this.delayPrng = new Prng(this.seed ^ 0x9e3779b9);
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

  /** Whether a delay fuzzing option is on: kernel synchronization (0x800000) or power framework (0x8000). */
  get fuzzing(): boolean {
    return (this.flags & (VF.KERNEL_SYNC_DELAY_FUZZING | VF.POWER_FRAMEWORK_DELAY_FUZZING)) !== 0;
  }

  /** A yes/no choice of delay fuzzing, one in `oneIn`, from the delay stream (not a delay: not counted). */
  drawChoice(oneIn: number): boolean {
    return this.delayPrng.below(oneIn) === 0;
  }

  /** A delay at a synchronization call: 0 (none), or 1 to maxMs ms, one call in `oneIn`. */
  drawDelay(oneIn: number, maxMs: number): number {
    if (this.delayPrng.below(oneIn) !== 0) return 0;
    const ms = 1 + this.delayPrng.below(maxMs);
    this.delays++;
    this.delayedMs += ms;
    return ms;
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
    this.track(this.k.currentThread.address, full);
    return true;
  }

  /** Write the failure into the tracker ring (made at the first failure: runs that fail nothing keep their pool layout). */
  private track(thread: number, stack: readonly number[]): void {
    const as = this.k.as;
    if (this.tracker === 0) {
      this.tracker = this.k.allocateKernelObject(TRACKER_HEADER + TRACKER_SIZE * TRACKER_ENTRY, TAG_TRACKER);
      as.setU32(this.tracker + 4, TRACKER_SIZE);
      as.setU32(this.tracker + 8, TRACKER_DEPTH);
    }
    const count = as.u32(this.tracker);
    const entry = this.entryAddress(count % TRACKER_SIZE);
    as.setU32(entry, thread);
    for (let i = 0; i < TRACKER_DEPTH; i++) as.setU32(entry + 4 + 4 * i, stack[i] ?? 0);
    as.setU32(this.tracker, count + 1);
  }

  private entryAddress(index: number): number {
    return this.tracker + TRACKER_HEADER + index * TRACKER_ENTRY;
  }

  /** The tracker's entries, newest first, read back from simulated memory (for the dump). */
  trackerEntries(): TrackerEntry[] {
    if (this.tracker === 0) return [];
    const as = this.k.as;
    const count = as.u32(this.tracker);
    const out: TrackerEntry[] = [];
    for (let n = count - 1; n >= Math.max(0, count - TRACKER_SIZE); n--) {
      const index = n % TRACKER_SIZE;
      const address = this.entryAddress(index);
      const stack: number[] = [];
      for (let i = 0; i < TRACKER_DEPTH; i++) {
        const pc = as.u32(address + 4 + 4 * i);
        if (pc !== 0) stack.push(pc);
      }
      out.push({ index, address, thread: as.u32(address), stack });
    }
    return out;
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
