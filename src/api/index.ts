/**
 * driver-verifier as a library, for a developer's own tests (node:test, vitest...):
 * `import { runScenario, expectBugCheck } from 'driver-verifier'`. The same machine `dv run` drives, with
 * helpers that read well in a test and fail with what the machine said.
 */
import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DebugTarget } from '../debugger/target.ts';
import { interpret } from '../debugger/engine.ts';
import type { AllocationSnapshot, CrashDump } from '../debugger/dump.ts';
import { parseScenario, readScenario, type LoadedScenario } from '../system/scenario/load.ts';
import { runScenario as runLoaded, type ScenarioOutcome, type ScenarioRunOptions } from '../system/scenario/run.ts';
import type { Scenario } from '../system/scenario/schema.ts';
import type { RunOutcome } from '../system/run.ts';
import { runHtmlReport, scenarioHtmlReport } from '../system/html-report/index.ts';

export { Machine, type MachineOptions } from '../system/machine.ts';
export { runDriver, type RunOptions, type RunOutcome, type DeviceRequest, type RequestResult } from '../system/run.ts';
export type { Scenario, ScenarioStep, StepExpectation } from '../system/scenario/schema.ts';
export type { ScenarioOutcome, StepResult, ScenarioRunOptions } from '../system/scenario/run.ts';
export { STANDARD_FLAGS, VF } from '../verifier/flags.ts';
export { STATUS } from '../nt/status.ts';
export { BUGCHECK } from '../nt/bugcheck.ts';

/** A finished run of either kind, with what a test asks of it. */
type AnyRun = Pick<RunOutcome, 'bugCheck' | 'hang' | 'dump'> | Pick<ScenarioOutcome, 'bugCheck' | 'hang' | 'dump'>;

export interface ScenarioRun extends ScenarioOutcome {
  /** What the verifier still tracked for each verified driver when the run ended (the 0x62 leaks). */
  readonly leaks: readonly AllocationSnapshot[];
  /** `!analyze -v` on the run's dump, as kd prints it. */
  analysis(): string;
  /** The run as one self-contained HTML page (what `dv run --html` writes): write it to a file and open it. */
  html(): string;
}

/**
 * Run a scenario: a file (YAML or JSON), or the scenario itself as an object (driver paths in it relative to
 * `baseDir`, default the working directory). It records what the HTML report charts unless `report: false`.
 */
export async function runScenario(scenario: Scenario | string, opts: ScenarioRunOptions & { readonly baseDir?: string } = {}): Promise<ScenarioRun> {
  const loaded: LoadedScenario =
    typeof scenario === 'string'
      ? readScenario(scenario)
      : parseScenario(JSON.stringify(scenario), join(resolve(opts.baseDir ?? process.cwd()), 'scenario.json'));
  const o = await runLoaded(loaded, { ...opts, report: opts.report ?? true });
  return Object.assign(o, {
    get leaks() {
      return o.dump.verifier?.drivers.flatMap((d) => d.allocations) ?? [];
    },
    analysis: () => analysis(o),
    html: () => htmlReport(o),
  }) as ScenarioRun;
}

const version = () => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A run (runScenario's, or runDriver's) as the HTML page `dv run --html` writes. The pool chart and the IRQL
 * timeline need the run to have recorded them (runScenario does by default; runDriver with `report: true`).
 */
export function htmlReport(run: RunOutcome | ScenarioOutcome): string {
  return 'steps' in run ? scenarioHtmlReport(run, version()) : runHtmlReport(run, version());
}

/** `!analyze -v` of a run (its bug check, or the forced dump of a hang), as kd prints it. */
export function analysis(run: AnyRun): string {
  return interpret(new DebugTarget(run.dump as CrashDump), '!analyze -v').output.join('\n');
}

const hexs = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;

function stopOf(run: AnyRun): string {
  if (run.hang) return `a hang: ${run.hang.reason}`;
  if (!run.bugCheck) return 'no bug check';
  return `bug check ${hexs(run.bugCheck.code)} ${run.bugCheck.name} (${run.bugCheck.params.map(hexs).join(', ')})`;
}

/** The run stopped with this bug check (and Parameter 1, when given); else an AssertionError saying what it did. */
export function expectBugCheck(run: AnyRun, code: number, parameter1?: number): void {
  const bc = run.bugCheck;
  if (bc && bc.code === code >>> 0 && (parameter1 === undefined || bc.params[0] === parameter1 >>> 0)) return;
  const wanted = `${hexs(code)}${parameter1 === undefined ? '' : `/${hexs(parameter1)}`}`;
  throw new AssertionError({ message: `expected bug check ${wanted}, the run ended with ${stopOf(run)}${bc ? `\n\n${analysis(run)}` : ''}`, actual: bc ? `${hexs(bc.code)}/${hexs(bc.params[0]!)}` : null, expected: wanted, operator: 'expectBugCheck' });
}

/** The run ended with no bug check and no hang (and, for a scenario, every expectation met). */
export function expectClean(run: AnyRun & { readonly ok?: boolean; readonly steps?: ScenarioOutcome['steps'] }): void {
  const failed = run.steps?.filter((s) => s.failures.length > 0) ?? [];
  if (!run.bugCheck && !run.hang && failed.length === 0) return;
  const why = failed.length ? failed.map((s) => `line ${s.line} (${s.text}): ${s.failures.join('; ')}`).join('\n') : stopOf(run);
  throw new AssertionError({ message: `expected a clean run: ${why}${run.bugCheck ? `\n\n${analysis(run)}` : ''}`, actual: stopOf(run), expected: 'no bug check', operator: 'expectClean' });
}

/** The folder of this package's sample drivers (drivers/c, drivers/ts), for examples and tests. */
export const SAMPLES = join(dirname(dirname(dirname(new URL(import.meta.url).pathname))), 'drivers');
