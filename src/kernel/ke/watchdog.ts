/**
 * Runaway detection: what the kernel does about driver code that never stops.
 *
 * Driver code reports its loop iterations (back edges) in batches: TypeScript drivers through the
 * loader's `__dvl` call at the top of each loop body, wasm drivers through the back-edge probe the
 * load-time rewrite puts in every `loop`. Each iteration costs the simulated processor
 * BACK_EDGE_TIME (1 µs: a deliberately slow model CPU, so Windows' watchdog periods are reached in
 * host seconds), and the simulated clock moves on by that much, so a loop that polls
 * KeQueryInterruptTime ends as it would on Windows. Then, as Windows would:
 * - a DPC that runs past the single-DPC allotment (0x500 ticks, 20 s) is DPC_WATCHDOG_VIOLATION
 *   0x133 with P1 = 0 (P2 the DPC's time in ticks, P3 the allotment);
 * - code that stays at DISPATCH_LEVEL or above past the watchdog period (0x1E00 ticks, 120 s) is
 *   0x133 with P1 = 1 (P2 the period);
 * - code below DISPATCH_LEVEL that runs `runawayBackEdges` iterations without yielding (a wait, or
 *   returning to the kernel) never stops on Windows either: no bug check exists for it, so the run
 *   ends as a hang, naming the loop;
 * and, for anything else that keeps the machine busy forever (a periodic timer feeding a wait that
 * never ends), the run's simulated-time and host-time limits end it as a hang.
 */
import { DISPATCH_LEVEL, irqlName } from '../../nt/irql.ts';
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { Clock, TIME_INCREMENT, TICKS_PER_MS } from './clock.ts';

/** Simulated CPU time of one loop iteration of driver code, in 100-ns units (1 µs). */
export const BACK_EDGE_TIME = 10;
/** Windows' DPC watchdog: the single-DPC allotment and the cumulative period, in clock ticks. */
export const DPC_TIMEOUT_TICKS = 0x500;
export const DPC_WATCHDOG_PERIOD_TICKS = 0x1e00;
/** Loop iterations a wasm driver runs between two reports to the watchdog. */
export const BACK_EDGE_QUANTUM = 1 << 16;

export interface WatchdogLimits {
  /** Iterations code below DISPATCH_LEVEL may run without yielding before the run is a hang. */
  runawayBackEdges: number;
  /** Simulated time the run may reach, in 100-ns units since boot; 0 for no limit. */
  simulatedTime: number;
  /** Host milliseconds the run may take; 0 for no limit (the library default: tests stay deterministic). */
  hostTime: number;
}

export const DEFAULT_LIMITS: WatchdogLimits = {
  runawayBackEdges: 100_000_000,
  simulatedTime: 60 * 60 * 1000 * TICKS_PER_MS,
  hostTime: 0,
};

/** What the watchdog needs of the kernel. */
export interface WatchdogHost {
  readonly clock: Clock;
  readonly irql: number;
  readonly dpcActive: boolean;
  bugCheck(code: number, p1: number, p2: number, p3: number, p4: number): never;
  /** End the run as a hang (the looping code is on the stack). */
  hang(reason: string): never;
  describe(pc: number): string;
}

const ticksOf = (edges: number) => Math.floor((edges * BACK_EDGE_TIME) / TIME_INCREMENT);

export class Watchdog {
  limits: WatchdogLimits = { ...DEFAULT_LIMITS };
  private sinceYield = 0;
  private inDpc = 0;
  private atDispatch = 0;
  private yields = 0;
  /** [sinceYield, yields] of each caller of driver code, outermost first. */
  private readonly saved: number[] = [];
  private hostStart = performance.now();

  constructor(private readonly k: WatchdogHost) {}

  /** Start the host-time limit's count now (a run starting). */
  startRun(): void {
    this.hostStart = performance.now();
  }

  /** `edges` loop iterations ran, the last at `pc`. */
  backEdges(pc: number, edges: number): void {
    const k = this.k;
    k.clock.advanceTo(k.clock.now + edges * BACK_EDGE_TIME);
    if (k.irql >= DISPATCH_LEVEL) {
      this.atDispatch += edges;
      if (k.dpcActive) {
        this.inDpc += edges;
        const ticks = ticksOf(this.inDpc);
        if (ticks > DPC_TIMEOUT_TICKS) k.bugCheck(BUGCHECK.DPC_WATCHDOG_VIOLATION, 0, ticks, DPC_TIMEOUT_TICKS, 0);
      }
      if (ticksOf(this.atDispatch) > DPC_WATCHDOG_PERIOD_TICKS) k.bugCheck(BUGCHECK.DPC_WATCHDOG_VIOLATION, 1, DPC_WATCHDOG_PERIOD_TICKS, 0, 0);
    } else {
      this.atDispatch = 0;
      this.sinceYield += edges;
      if (this.sinceYield > this.limits.runawayBackEdges) {
        k.hang(`${k.describe(pc)} looped ${this.limits.runawayBackEdges} times at ${irqlName(k.irql)} without waiting or returning to the kernel: on Windows this code would never stop`);
      }
    }
    this.checkTime();
  }

  /**
   * The processor spins at DISPATCH_LEVEL on something nothing can change (on one processor, a spin
   * lock it already holds): it spins until the watchdog fires, so the verdict is the watchdog's,
   * given at once, with the time it would have taken.
   */
  spinForever(): never {
    const k = this.k;
    const dpc = k.dpcActive;
    const ticks = dpc ? DPC_TIMEOUT_TICKS + 1 : DPC_WATCHDOG_PERIOD_TICKS + 1;
    k.clock.advanceTo(k.clock.now + ticks * TIME_INCREMENT);
    if (dpc) return k.bugCheck(BUGCHECK.DPC_WATCHDOG_VIOLATION, 0, ticks, DPC_TIMEOUT_TICKS, 0);
    return k.bugCheck(BUGCHECK.DPC_WATCHDOG_VIOLATION, 1, DPC_WATCHDOG_PERIOD_TICKS, 0, 0);
  }

  /** The clock moved, or the scheduler went round again: enforce the run's time limits. */
  checkTime(): void {
    const { simulatedTime, hostTime } = this.limits;
    if (simulatedTime > 0 && this.k.clock.now > simulatedTime) {
      this.k.hang(`the run reached its simulated-time limit (${Clock.format(simulatedTime)}) with work still going on`);
    }
    if (hostTime > 0 && performance.now() - this.hostStart > hostTime) {
      this.k.hang(`the run took longer than its host-time limit (${hostTime / 1000} s)`);
    }
  }

  /** The running thread waited: it yielded the processor. */
  yielded(): void {
    this.sinceYield = 0;
    this.yields++;
  }

  /** A DPC routine starts: its own allotment starts. */
  dpcStarted(): void {
    this.inDpc = 0;
  }

  /**
   * The kernel calls driver code (a dispatch routine, a DPC, a thread start): the callee starts
   * with a fresh count, and its iterations count for the caller too when it returns, unless it
   * yielded in between. The caller's count and yield number wait on a stack (no object per call:
   * every kernel-to-driver call passes here).
   */
  enterDriver(): void {
    this.saved.push(this.sinceYield, this.yields);
    this.sinceYield = 0;
  }

  leaveDriver(): void {
    const yields = this.saved.pop()!;
    const since = this.saved.pop()!;
    if (this.yields === yields) this.sinceYield += since;
  }
}
