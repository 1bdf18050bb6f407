/**
 * Thread priorities, the performance counter and floating-point state.
 *
 * The performance counter runs at PERFORMANCE_FREQUENCY, 10 MHz: one count per 100 ns of the
 * simulated clock, so it reads the clock itself and is as deterministic.
 * Floating-point state: wasm code has no x87 or SSE state to lose across a context switch, so saving
 * it always succeeds; the save area receives the x87 state a fresh thread has.
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { KFLOATING_SAVE } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

/** KeQueryPerformanceCounter's frequency: counts per second. */
export const PERFORMANCE_FREQUENCY = 10_000_000n;
/** The priority a thread starts with (a system thread's, in the System process's base class). */
export const DEFAULT_THREAD_PRIORITY = 8;
/** x87 control word after FNINIT: every exception masked, 64-bit precision, round to nearest. */
const X87_DEFAULT_CONTROL_WORD = 0x27f;

const FS = KFLOATING_SAVE.off;

/** Each machine's thread priorities, in a side table a machine snapshot reaches (system/snapshot/graph.ts), where a closure's Map it could not. */
const tables = new WeakMap<Kernel, Map<number, number>>();

export function perfExports(k: Kernel) {
  const priorities = new Map<number, number>();
  tables.set(k, priorities);
  const priorityOf = (thread: number) => priorities.get(thread >>> 0) ?? DEFAULT_THREAD_PRIORITY;
  return {
    /** Returns the old priority. One processor, run to completion: the priority orders nothing yet. */
    KeSetPriorityThread(Thread: number, Priority: number): number {
      const old = priorityOf(Thread);
      priorities.set(Thread >>> 0, Priority | 0);
      return old;
    },
    KeQueryPriorityThread(Thread: number): number {
      return priorityOf(Thread);
    },
    /**
     * The counter, returned by value (a LARGE_INTEGER); *PerformanceFrequency, when given, receives
     * the counts per second.
     */
    KeQueryPerformanceCounter(PerformanceFrequency: number): bigint {
      if (PerformanceFrequency !== 0) k.as.setU64(PerformanceFrequency >>> 0, PERFORMANCE_FREQUENCY);
      return BigInt(k.clock.now);
    },
    /** IRQL <= DISPATCH_LEVEL. */
    KeSaveFloatingPointState(FloatSave: number): number {
      if (k.prcb.irql > DISPATCH_LEVEL) return STATUS.UNSUCCESSFUL;
      const f = FloatSave >>> 0;
      k.as.zero(f, KFLOATING_SAVE.size);
      k.as.setU32(f + FS.ControlWord, X87_DEFAULT_CONTROL_WORD);
      return STATUS.SUCCESS;
    },
    KeRestoreFloatingPointState(_FloatSave: number): number {
      return STATUS.SUCCESS;
    },
  };
}
