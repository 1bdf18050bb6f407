/**
 * `dv run --faults exhaustive`: every allocation failure path of the driver, one run each.
 *
 * A first run fails nothing and records each failure point it reaches (an allocating DDI called from
 * one stack of the driver's: systematic low resources simulation's unit). Then, for each point in
 * the order first reached, the scenario runs again in a fresh machine in which that point, and only
 * it, fails the first time it is reached. Each run's verdict is kept (clean, the driver refusing to
 * load, a bug check, a hang); the machines are dropped as soon as their verdict is read.
 *
 * Points reachable only after another failure (the cleanup path of a failed call allocating in turn)
 * are not found: each run takes exactly one failure, so those paths are never followed.
 */
import { bugCheckName } from '../nt/bugcheck.ts';
import type { FailurePoint } from '../verifier/faults.ts';
import { runDriver, type RunOptions, type RunOutcome } from './run.ts';

export type FaultVerdict =
  | { readonly kind: 'clean' }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'bugcheck'; readonly code: number; readonly name: string; readonly params: readonly number[] }
  | { readonly kind: 'hang'; readonly reason: string };

export interface FaultRun {
  readonly point: FailurePoint;
  /** Whether the run reached the point (and so failed it): the scenario is deterministic, so it should. */
  readonly reached: boolean;
  readonly verdict: FaultVerdict;
  /** The stack of the failed call (thunk frames, the driver's, the kernel's), symbolized in its machine. */
  readonly stack: readonly string[];
}

export interface ExhaustiveResult {
  /** The verdict of the run that failed nothing. */
  readonly baseline: FaultVerdict;
  readonly points: readonly FailurePoint[];
  readonly runs: readonly FaultRun[];
}

/** The most runs one command makes (a driver with more failure points is cut there, and says so). */
export const MAX_FAULT_RUNS = 500;

export function verdictOf(o: RunOutcome): FaultVerdict {
  if (o.hang) return { kind: 'hang', reason: o.hang.reason };
  if (o.bugCheck) return { kind: 'bugcheck', code: o.bugCheck.code, name: bugCheckName(o.bugCheck.code), params: o.bugCheck.params };
  if (o.driverEntryStatus !== null) return { kind: 'refused', status: o.driverEntryStatus };
  return { kind: 'clean' };
}

/**
 * Run the scenario once failing nothing, then once per failure point found. `onRun` hears each
 * verdict as it comes (the CLI prints a table row), `onBaseline` the first run's.
 */
export async function runExhaustive(
  opts: RunOptions,
  hooks: { onBaseline?: (v: FaultVerdict, points: readonly FailurePoint[]) => void; onRun?: (r: FaultRun, index: number, total: number) => void } = {},
): Promise<ExhaustiveResult> {
  const quiet: RunOptions = { ...opts, onStep: undefined, onRequest: undefined, onDebugPrint: undefined, onProcessEvent: undefined };
  const first = await runDriver({ ...quiet, faults: { ...opts.faults, discover: true } });
  const baseline = verdictOf(first);
  const points = [...(first.faults?.points.values() ?? [])];
  hooks.onBaseline?.(baseline, points);
  const runs: FaultRun[] = [];
  const planned = points.slice(0, MAX_FAULT_RUNS);
  for (const [i, point] of planned.entries()) {
    const o = await runDriver({ ...quiet, faults: { ...opts.faults, discover: false, target: point.key } });
    const failed = o.faults?.injected[0];
    const run: FaultRun = { point, reached: failed !== undefined, verdict: verdictOf(o), stack: failed?.symbols ?? [] };
    runs.push(run);
    hooks.onRun?.(run, i, planned.length);
  }
  return { baseline, points, runs };
}
