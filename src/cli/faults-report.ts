/** How low resources simulation is reported: the calls a run failed, and the --faults exhaustive table. */
import type { RunJson } from './run-json.ts';
import { Clock } from '../kernel/ke/clock.ts';
import { formatSymbol } from '../kernel/symbols.ts';
import { statusName } from '../nt/status.ts';
import type { ExhaustiveResult, FaultRun, FaultVerdict } from '../system/exhaustive.ts';
import type { RunOutcome } from '../system/run.ts';
import type { FailurePoint, FaultInjector } from '../verifier/faults.ts';
import { VF } from '../verifier/flags.ts';

const hexs = (n: number) => '0x' + (n >>> 0).toString(16);
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** The lines `dv run` prints after a run with low resources simulation on (none when it was off). */
export function faultLines(f: FaultInjector | null, now: number): string[] {
  if (!f) return [];
  const kinds = [f.flags & VF.KERNEL_SYNC_DELAY_FUZZING && 'Kernel synchronization', f.flags & VF.POWER_FRAMEWORK_DELAY_FUZZING && 'Power framework'].filter(Boolean).join(' and ');
  const fuzzing = f.fuzzing ? [`${kinds} delay fuzzing (seed ${f.seed}): ${f.delays} delay${f.delays === 1 ? '' : 's'} inserted, ${f.delayedMs} ms of simulated time in all`] : [];
  if (!f.active) return fuzzing;
  const what = [f.flags & VF.RANDOMIZED_LOW_RESOURCES && 'randomized', f.flags & VF.SYSTEMATIC_LOW_RESOURCES && 'systematic'].filter(Boolean).join(' and ');
  const n = f.injected.length;
  const out = [`Low resources simulation (${what}, seed ${f.seed}): ${n} call${n === 1 ? '' : 's'} failed of ${f.points.size} failure point${f.points.size === 1 ? '' : 's'} reached`];
  for (const x of f.injected) out.push(`  ${x.ddi} failed at ${x.callerSymbol} (stack ${hex8(x.stackHash)}, ${Clock.format(x.time)} after boot)`);
  if (f.randomized && now < f.delay && !(f.flags & VF.SYSTEMATIC_LOW_RESOURCES)) {
    out.push(`  The run ended ${Clock.format(now)} after boot, inside the ${Clock.format(f.delay)} grace period in which randomized simulation fails nothing (--fault-delay 0 starts it at boot).`);
  }
  return [...out, ...fuzzing];
}

const pointJson = (p: FailurePoint) => ({ ddi: p.ddi, caller: { address: hexs(p.caller), symbol: p.callerSymbol }, stackHash: hexs(p.stackHash) });

/** The run's JSON `faults` member (undefined when low resources simulation was off). */
export function faultsJson(outcome: RunOutcome): RunJson['faults'] {
  const f = outcome.faults;
  if (!f) return undefined;
  if (!f.active) return { seed: f.seed, delays: f.delays, delayedMs: f.delayedMs };
  const modules = outcome.machine.kernel.modules;
  return {
    seed: f.seed,
    probability: f.probability,
    delay: Clock.format(f.delay),
    tags: f.tags.map(hexs),
    pointsReached: f.points.size,
    injected: f.injected.map((x) => ({
      ...pointJson(x),
      thread: hexs(x.thread),
      time: Clock.format(x.time),
      stack: x.stack.map((pc, i) => ({ address: hexs(pc), symbol: x.symbols[i] ?? formatSymbol(modules, pc) })),
    })),
    ...(f.fuzzing ? { delays: f.delays, delayedMs: f.delayedMs } : {}),
    ...(outcome.driverEntryStatus !== null ? { driverEntryStatus: statusName(outcome.driverEntryStatus) } : {}),
  };
}

/** A verdict in a table cell. */
export function verdictText(v: FaultVerdict): string {
  switch (v.kind) {
    case 'clean':
      return 'clean';
    case 'refused':
      return `clean (DriverEntry failed with ${statusName(v.status)})`;
    case 'bugcheck':
      return `bug check ${hexs(v.code)} ${v.name} (${v.params.map(hexs).join(', ')})`;
    case 'hang':
      return `hang: ${v.reason}`;
  }
}

/** The header of the --faults exhaustive table, once the first run has found the points. */
export function exhaustiveHeader(driver: string, baseline: FaultVerdict, points: readonly FailurePoint[], cut: number): string[] {
  const n = points.length;
  return [
    `${driver}: the run failing nothing: ${verdictText(baseline)}; ${n} failure point${n === 1 ? '' : 's'} reached${cut < n ? `, the first ${cut} run` : ''}`,
    '',
    `  ${'#'.padStart(3)}  ${'DDI'.padEnd(33)}  ${'caller'.padEnd(40)}  stack     outcome`,
  ];
}

export function exhaustiveRow(r: FaultRun, i: number): string {
  const p = r.point;
  const outcome = r.reached ? verdictText(r.verdict) : `not reached (${verdictText(r.verdict)})`;
  return `  ${String(i + 1).padStart(3)}  ${p.ddi.padEnd(33)}  ${p.callerSymbol.padEnd(40)}  ${hex8(p.stackHash)}  ${outcome}`;
}

/** One line: how many runs ended how. */
export function exhaustiveSummary(driver: string, result: ExhaustiveResult): string {
  const count = (k: FaultVerdict['kind'][]) => result.runs.filter((r) => k.includes(r.verdict.kind)).length;
  const runs = result.runs.length;
  return `${driver}: ${runs} run${runs === 1 ? '' : 's'} with one failure each: ${count(['clean', 'refused'])} clean, ${count(['bugcheck'])} bug check${count(['bugcheck']) === 1 ? '' : 's'}, ${count(['hang'])} hang${count(['hang']) === 1 ? '' : 's'}.`;
}

export function exhaustiveJson(driver: string, result: ExhaustiveResult): unknown {
  const verdict = (v: FaultVerdict) =>
    v.kind === 'bugcheck'
      ? { kind: v.kind, code: hexs(v.code), name: v.name, parameters: v.params.map(hexs) }
      : v.kind === 'refused'
        ? { kind: v.kind, driverEntryStatus: statusName(v.status) }
        : v.kind === 'hang'
          ? { kind: v.kind, reason: v.reason }
          : { kind: v.kind };
  return {
    driver,
    faults: 'exhaustive',
    baseline: verdict(result.baseline),
    points: result.points.length,
    runs: result.runs.map((r) => ({ ...pointJson(r.point), reached: r.reached, outcome: verdict(r.verdict), stack: r.stack })),
  };
}
