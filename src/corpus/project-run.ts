/**
 * One project of the corpus: classify it, build it with dv build's builder from the sources, include
 * folders and defines its project names, and run what builds under /standard (load, open its first
 * device, the requests its test app documents, close, unload). The result is plain data (it crosses
 * from the child process that does the work to the runner).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDriver } from '../build/build.ts';
import { DDK_INCLUDE } from '../build/paths.ts';
import { SimulatorError } from '../kernel/errors.ts';
import { TICKS_PER_MS } from '../kernel/ke/clock.ts';
import { NT_SUCCESS, statusName } from '../nt/status.ts';
import { runExhaustive, type FaultVerdict } from '../system/exhaustive.ts';
import { runDriver, type RunOptions } from '../system/run.ts';
import type { DebuggerIo } from '../system/kd-session.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';
import { buildBlocker } from './blocker.ts';
import { classify } from './classify.ts';
import type { DriverProject } from './discover.ts';
import { requestsFor } from './requests.ts';

export interface ProjectResult {
  readonly path: string;
  /** The class column: `HID (KMDF)`, `WDM [WPP]`... */
  readonly label: string;
  /** The family alone (`HID`, `WDM`), what the counts group by. */
  readonly family: string;
  /** WDM, KMDF, Miniport, ExportDriver: the driver model under the family. */
  readonly model: string;
  readonly needs: readonly string[];
  readonly built: boolean;
  /** `not run`, `clean`, `clean, no device`, `bug check 0xC4/0x62`, `hang`, `load failed`... */
  readonly run: string;
  /** No bug check, hang or error, and every documented request sent and successful. */
  readonly clean: boolean;
  /** The first blocker, '' when the project builds and runs clean. */
  readonly blocker: string;
  /** Under --faults exhaustive: a line for each failure path that did not end clean (the point and its verdict). */
  readonly failurePaths?: readonly string[];
}

/** How the corpus runs what builds: /standard by default; `npm run corpus -- --flags F --faults exhaustive`. */
export interface CorpusRunSettings {
  readonly verifierFlags: number;
  /** Then every allocation failure path of a clean run, one run each (src/system/exhaustive.ts). */
  readonly faults?: 'exhaustive';
}

export const STANDARD_RUN: CorpusRunSettings = { verifierFlags: STANDARD_FLAGS };

/** How long a run may take, in host and in simulated time: a hang is a verdict, never a stalled corpus. */
export const RUN_LIMITS = { hostTimeMs: 30_000, simulatedTimeMs: 10 * 60_000 } as const;

/** The debugger a sample runs under: every break is continued (its record stays in the outcome). */
const CONTINUE_EVERY_BREAK: DebuggerIo = { readLine: () => 'g', write: () => {} };

/** Bug checks whose first parameter says which check it was (0xC4/0x62): the reason keeps it. */
const SUBCODED = new Set([0xc4, 0xc9, 0xc2, 0x133, 0x139, 0xe6, 0x1a]);
const hexCode = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase();

/** runDriver's step lines (their first word) -> where in the run a verdict came. */
const WHERE: Readonly<Record<string, string>> = {
  load: 'in DriverEntry',
  loading: 'in DriverEntry',
  opening: 'at open',
  IOCTL: 'in a request',
  closing: 'at close',
  unloading: 'at unload',
  shutting: 'at shutdown',
};

/** A simulator message without what differs between drivers: folders of temp paths, `Image!` prefixes. */
const stableMessage = (m: string) => m.replace(/\/[^\s]*\/([\w.-]+)/g, '$1').replace(/\b[\w.-]+!(?=\w)/g, '');

/** One line, no longer than a table cell should be. */
const oneLine = (s: string, max = 100) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 3) + '...' : t;
};

export async function processProject(
  project: DriverProject,
  root: string,
  onPhase: (phase: 'build' | 'run') => void = () => {},
  settings: CorpusRunSettings = STANDARD_RUN,
): Promise<ProjectResult> {
  const c = classify({ ...project, root });
  const base = { path: project.path, label: c.label, family: c.family, model: c.model, needs: c.needs };
  const notBuilt = (blocker: string): ProjectResult => ({ ...base, built: false, run: 'not run', clean: false, blocker });

  if (project.error) return notBuilt(oneLine(project.error));
  if (project.missingSources.length > 0) return notBuilt(`source not found: '${project.missingSources[0]}'`);
  if (project.sources.length === 0) return notBuilt('no sources');

  const work = mkdtempSync(join(tmpdir(), 'dv-corpus-'));
  try {
    onPhase('build');
    const output = join(work, `${project.targetName.replace(/[^\w.-]/g, '_') || 'driver'}.wasm`);
    // C++ goes to the builder too: its refusal is the blocker until the builder takes C++.
    const mofHeaders = project.mofHeaders.flatMap((m) => (m.mof ? [{ mof: m.mof, header: m.header }] : []));
    const built = buildDriver({ sources: project.sources, output, includeDirs: project.includeDirs, defines: project.defines, mofHeaders, wpp: { functions: project.wppFunctions, scan: project.wppScan } });
    if (!built.ok) return notBuilt(buildBlocker(built.diagnostics, { ...project, searchDirs: [...project.includeDirs, DDK_INCLUDE] }));

    onPhase('run');
    const sample = requestsFor(project.folder);
    const requests = sample?.requests ?? [];
    let phase = 'load';
    let device = false;
    try {
      const options: RunOptions = {
        driver: output,
        verifierFlags: settings.verifierFlags,
        requests,
        ...(sample?.removal ? { removal: sample.removal } : {}),
        ...(sample?.open ? { open: sample.open } : {}),
        ...(sample?.deviceParameters ? { deviceParameters: sample.deviceParameters } : {}),
        captureStacks: false,
        // Samples are run as their READMEs run them, on a test machine with a kernel debugger attached:
        // a DbgBreakPoint of the sample is continued (g) and counted, as a developer at kd> would.
        debugger: CONTINUE_EVERY_BREAK,
        limits: { hostTime: RUN_LIMITS.hostTimeMs, simulatedTime: RUN_LIMITS.simulatedTimeMs * TICKS_PER_MS },
        onDebugPrint: () => {},
        onStep: (line) => {
          if (line.startsWith('opening ')) device = true;
          phase = line.split(' ')[0]!;
        },
      };
      // Under --faults exhaustive the row's run fails nothing (systematic simulation would fail its first
      // calls): the failure paths come after, one run each.
      const outcome = await runDriver(settings.faults === 'exhaustive' ? { ...options, faults: { discover: true } } : options);
      if (outcome.bugCheck) {
        const { code, params, name } = outcome.bugCheck;
        const check = `bug check ${hexCode(code)}${SUBCODED.has(code) ? '/' + hexCode(params[0]!) : ''}`;
        return { ...base, built: true, run: check, clean: false, blocker: `${check} ${name} ${WHERE[phase] ?? phase}` };
      }
      // Addresses differ from driver to driver: without them the same hang counts as one blocker.
      if (outcome.hang) return { ...base, built: true, run: 'hang', clean: false, blocker: oneLine(`hang ${WHERE[phase] ?? phase}: ${outcome.hang.reason.replace(/\s(?:0x)?[0-9a-fA-F]{8}\b/g, '')}`, 120) };
      // A PnP driver whose AddDevice failed never had its device: that is its blocker, not a clean run.
      if (outcome.pnp && !NT_SUCCESS(outcome.pnp.addDevice)) {
        return { ...base, built: true, run: 'AddDevice failed', clean: false, blocker: `AddDevice failed with ${statusName(outcome.pnp.addDevice)}` };
      }
      const failurePaths = (r: ProjectResult) => (settings.faults === 'exhaustive' && r.clean ? withFailurePaths(r, options) : r);
      if (!device) return await failurePaths({ ...base, built: true, run: 'clean, no device', clean: true, blocker: '' });
      // The driver refused the open (its IRP_MJ_CREATE failed): the requests were never sent.
      if (outcome.open && !NT_SUCCESS(outcome.open.status)) {
        const refused = `open failed with ${statusName(outcome.open.status)}`;
        return { ...base, built: true, run: refused, clean: false, blocker: `${refused}: ${outcome.open.name}` };
      }
      // No verdict; clean when every request the test app documents was sent and succeeded, as the app expects.
      const failed = outcome.requests.filter((r) => !NT_SUCCESS(r.status));
      const sent = outcome.requests.length;
      let run = sent === 0 ? 'clean, device opened' : `clean, ${sent - failed.length}/${sent} requests ok`;
      if (failed.length > 0) run += ` (first failure ${statusName(failed[0]!.status)})`;
      const breakpoints = outcome.breaks.filter((b) => b.breakpoint).length;
      if (breakpoints > 0) run += `; ${breakpoints} breakpoint${breakpoints === 1 ? '' : 's'} continued`;
      // A Driver Verifier break (not the sample's own breakpoint) is a violation, debugger or not.
      const violation = outcome.breaks.find((b) => !b.breakpoint);
      const firstFailed = failed[0];
      const blocker = violation
        ? `Driver Verifier break ${hexCode(violation.code)}${SUBCODED.has(violation.code) ? '/' + hexCode(violation.params[0]!) : ''}`
        : firstFailed
          ? `${firstFailed.code !== undefined ? `IOCTL ${hexCode(firstFailed.code)}` : 'a read or write'} failed with ${statusName(firstFailed.status)}`
          : '';
      return await failurePaths({ ...base, built: true, run, clean: blocker === '', blocker });
    } catch (e) {
      if (e instanceof SimulatorError) {
        const what = phase === 'loading' || phase === 'load' ? 'load failed' : `failed ${WHERE[phase] ?? phase}`;
        return { ...base, built: true, run: what, clean: false, blocker: oneLine(stableMessage(e.message)) };
      }
      return { ...base, built: true, run: 'internal error', clean: false, blocker: oneLine(`dv internal error: ${e instanceof Error ? e.message : String(e)}`) };
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A verdict of one failure path, as the table says it: `bug check 0xC4/0x62`, `hang: ...`. */
function verdictText(v: FaultVerdict): string {
  if (v.kind === 'bugcheck') return `bug check ${hexCode(v.code)}${SUBCODED.has(v.code) ? '/' + hexCode(v.params[0]!) : ''} ${v.name}`;
  if (v.kind === 'hang') return oneLine(`hang: ${v.reason}`);
  return v.kind === 'refused' ? `DriverEntry failed with ${statusName(v.status)}` : 'clean';
}

/** A clean run, then once per failure point it reached: the count of clean paths, and each stop named. */
async function withFailurePaths(result: ProjectResult, options: RunOptions): Promise<ProjectResult> {
  const ex = await runExhaustive(options);
  // A refused load after an injected failure is the driver handling it: clean.
  const stops = ex.runs.filter((r) => r.verdict.kind !== 'clean' && r.verdict.kind !== 'refused');
  const failurePaths = stops.map((r) => `${r.point.ddi} failed at ${r.point.callerSymbol}: ${verdictText(r.verdict)}`);
  const run = `${result.run}; failure paths ${ex.runs.length - stops.length}/${ex.runs.length} clean`;
  const first = stops[0];
  if (!first) return { ...result, run, failurePaths };
  return { ...result, run, clean: false, blocker: oneLine(`failure path ${first.point.ddi}: ${verdictText(first.verdict)}`), failurePaths };
}
