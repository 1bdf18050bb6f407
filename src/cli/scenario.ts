/**
 * `dv run --scenario FILE`: a line per step as it runs (with what failed), the stop if any, a summary, and
 * the exit code: 0 when every expectation was met (an expected bug check included), 1 when one was not,
 * 4 when the machine hung and the scenario did not expect it.
 */
import { serializeDump } from '../debugger/dump.ts';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import { readScenario } from '../system/scenario/load.ts';
import { runScenario, type ScenarioOutcome } from '../system/scenario/run.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { writeAtomically } from './outputs.ts';
import { fatalErrorLines } from './report.ts';

const out = (lines: string[] | string) => process.stdout.write((Array.isArray(lines) ? lines.join('\n') : lines) + '\n');

export function scenarioSummary(o: ScenarioOutcome): string {
  const ran = o.steps.filter((s) => s.ran).length;
  const failed = o.steps.filter((s) => s.failures.length > 0);
  const notRun = o.steps.length - ran;
  const tail = notRun ? `; ${notRun} not run after the machine stopped` : '';
  if (failed.length === 0) return `${o.file}: every expectation met: ${ran} of ${o.steps.length} steps ran${tail}.`;
  return `${o.file}: ${failed.length} step${failed.length === 1 ? '' : 's'} failed (${failed.map((s) => `line ${s.line}`).join(', ')}): ${ran} of ${o.steps.length} steps ran${tail}.`;
}

export function scenarioExitCode(o: ScenarioOutcome): ExitCode {
  if (o.ok) return EXIT.CLEAN;
  const hangFailed = o.steps.some((s) => s.stopped === 'hang' && s.failures.length > 0);
  return hangFailed ? EXIT.HANG : EXIT.BUGCHECK;
}

export async function runScenarioCommand(file: string, opts: { dump?: string; json?: string; html?: string; version?: string; limits?: Partial<WatchdogLimits>; stacks?: boolean }): Promise<void> {
  const loaded = readScenario(file);
  const o = await runScenario(loaded, { onLine: (l) => out(l), limits: opts.limits, stacks: opts.stacks, report: opts.html !== undefined });
  if (o.bugCheck) {
    out(fatalErrorLines(o.bugCheck.code, o.bugCheck.params));
    if (opts.dump) {
      writeAtomically(opts.dump, serializeDump(o.dump));
      out(`Crash dump written to ${opts.dump}`);
    }
  }
  if (opts.json) {
    const hexs = (n: number) => `0x${(n >>> 0).toString(16)}`;
    const json = {
      scenario: o.file,
      ok: o.ok,
      bugcheck: o.bugCheck ? { code: hexs(o.bugCheck.code), name: o.bugCheck.name, parameters: o.bugCheck.params.map(hexs) } : null,
      hang: o.hang,
      steps: o.steps.map((s) => ({
        line: s.line,
        step: s.text,
        ran: s.ran,
        ...(s.status !== undefined ? { status: hexs(s.status) } : {}),
        ...(s.information !== undefined ? { information: s.information } : {}),
        ...(s.output !== undefined ? { output: Buffer.from(s.output).toString('hex') } : {}),
        ...(s.stopped ? { stopped: s.stopped } : {}),
        failures: s.failures,
        ...(s.note ? { note: s.note } : {}),
      })),
    };
    writeAtomically(opts.json, JSON.stringify(json, null, 2) + '\n');
  }
  if (opts.html) {
    // Loaded only here: a scenario without --html never reads the report's code.
    const { scenarioHtmlReport } = await import('../system/html-report/index.ts');
    writeAtomically(opts.html, scenarioHtmlReport(o, opts.version ?? ''));
  }
  out(scenarioSummary(o));
  process.exitCode = scenarioExitCode(o);
}
