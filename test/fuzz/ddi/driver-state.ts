/**
 * One fuzz run's driver state: the objects its calls made (by kind), the IRQLs it saved, and its DDI
 * calls, made through the image's bound import table at code addresses of the calling routine.
 */
import { BugCheck, SimulatorError } from '../../../src/kernel/errors.ts';
import { ThreadExit } from '../../../src/kernel/ps/thread.ts';
import type { Machine } from '../../../src/system/machine.ts';
import { GLOBAL_SLOTS, type FuzzImage } from './fuzz-driver.ts';
import type { Kind, Sel } from './ops.ts';

const SCRATCH_SLOTS = 4;
/** Globals a `place` selector may pick; the last slots are the harness's scratch (OldIrql, timeouts, handles). */
const PLACE_SLOTS = GLOBAL_SLOTS - SCRATCH_SLOTS;

/** The machine's own ways to stop a call; anything else out of a DDI (InternalError included) is dv's fault. */
const isMachineStop = (e: unknown) => e instanceof BugCheck || e instanceof SimulatorError || e instanceof ThreadExit;

/** One fuzz run's driver: its objects, and the DDI calls it makes through its bound import table. */
export class FuzzDriverState {
  readonly objects = new Map<Kind, Array<{ a: number; tag?: number; paged?: boolean }>>();
  readonly savedIrql: number[] = [];
  /** The first exception that came out of a DDI and is none of ours: the invariant broken. */
  hostException?: unknown;
  hostExceptionAt?: string;
  driverObject = 0;
  private pc = 0;

  constructor(readonly img: FuzzImage, readonly m: Machine) {}

  list(kind: Kind) {
    let l = this.objects.get(kind);
    if (!l) this.objects.set(kind, (l = []));
    return l;
  }

  add(kind: Kind, a: number, extra: { tag?: number; paged?: boolean } = {}): void {
    if (a !== 0) this.list(kind).push({ a: a >>> 0, ...extra });
  }

  scratch(i: number): number {
    return this.img.global(PLACE_SLOTS + (i % SCRATCH_SLOTS));
  }

  /** The address a selector names, or undefined when it names an object the sequence has not made. */
  resolve(kind: Kind, s: Sel): number | undefined {
    if ('w' in s) return s.w >>> 0;
    if ('x' in s) {
      const all = [...this.objects.values()].flat().map((o) => o.a);
      return all.length === 0 ? undefined : all[s.x % all.length];
    }
    let candidates: number[];
    if (kind === 'place') candidates = [...Array.from({ length: PLACE_SLOTS }, (_, i) => this.img.global(i)), ...this.list('pool').map((o) => o.a)];
    else if (kind === 'irql') candidates = [this.scratch(0), this.scratch(0) + 1];
    else if (kind === 'object') candidates = [this.driverObject, ...this.list('object').map((o) => o.a)];
    else candidates = this.list(kind).map((o) => o.a);
    if (candidates.length === 0) return undefined;
    return (candidates[s.r % candidates.length]! + s.d) >>> 0;
  }

  entryOf(kind: Kind, s: Sel) {
    return 'r' in s ? this.list(kind)[s.r % Math.max(1, this.list(kind).length)] : undefined;
  }

  /** Call a DDI from driver code: through the bound table, at a code address of the calling routine. */
  call(routine: number, name: string, ...args: unknown[]): number {
    const fn = this.img.table[name] as ((...a: unknown[]) => unknown) | undefined;
    if (!fn) throw new Error(`fuzz harness: the kernel does not export ${name}`);
    const pc = routine + 4 + (this.pc++ % 0x3f) * 4;
    try {
      return Number(this.m.kernel.stacks.callAt(pc, fn, ...args) ?? 0) >>> 0;
    } catch (e) {
      if (!isMachineStop(e) && this.hostException === undefined) {
        this.hostException = e;
        this.hostExceptionAt = name;
      }
      throw e;
    }
  }
}
