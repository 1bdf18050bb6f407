/**
 * What the `--html` report shows, read from a finished run (dv run's or a scenario's): the stop and its
 * meaning from the bug check table, the faulting stack with the source lines around each frame, what the
 * verifier still tracked, the recorded pool usage and IRQL timeline, and the requests with their results.
 * Plain data: render.ts lays it out, and a test can read it without a page.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { formatSymbol, sourceLine, type ModuleInfo } from '../../kernel/symbols.ts';
import { argumentTexts, bugCheckInfo } from '../../nt/bugcheck.ts';
import { irqlName } from '../../nt/irql.ts';
import { IRP_MJ } from '../../nt/io.ts';
import { formatTag } from '../../nt/pool.ts';
import { DebugTarget } from '../../debugger/target.ts';
import { interpret } from '../../debugger/engine.ts';
import { VF } from '../../verifier/flags.ts';
import { OTHER_TAGS, type PoolUsagePoint, type ReportMark } from '../../verifier/report-recorder.ts';
import type { Machine } from '../machine.ts';
import type { DeviceRequest, RunOutcome } from '../run.ts';
import type { ScenarioOutcome } from '../scenario/run.ts';
import { DUMP_MAX_BYTES } from '../capture.ts';
import type { CrashDump } from '../../debugger/dump.ts';
import { hexs, simTime } from './format.ts';

/** Lines shown above and below a frame's source line. */
export const SNIPPET_CONTEXT = 3;
/** Tracked allocations listed (the count says how many there are). */
export const REPORT_LEAKS_LISTED = 1000;
/** IRQL transitions listed in the table under the timeline (the newest). */
export const IRQL_ROWS = 64;
/** Allocation sites shown with their source lines under the leaks table. */
export const LEAK_SITES_SHOWN = 20;
/** A source file larger than this is not read for snippets. */
const SOURCE_MAX_BYTES = 4 << 20;

const MJ_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(IRP_MJ).map(([name, code]) => [code, `IRP_MJ_${name}`]));

export interface SourceSnippet {
  readonly file: string;
  readonly line: number;
  /** Line number of lines[0]; absent when the file could not be read (`missing` says why). */
  readonly first?: number;
  readonly lines?: readonly string[];
  readonly missing?: string;
}

export interface ReportFrame {
  readonly address: number;
  readonly symbol: string;
  readonly source?: SourceSnippet;
}

export interface ReportLeak {
  readonly driver: string;
  readonly address: number;
  readonly size: number;
  readonly tag: string;
  readonly kind: string;
  readonly caller: string;
  readonly source?: string;
}

export interface ReportRequest {
  /** `request 1`, or the scenario step's `line 12`. */
  readonly step: string;
  readonly what: string;
  readonly status?: number;
  readonly information?: number;
  readonly output?: string;
  /** ok, not sent (the machine stopped first), stopped (the machine stopped in it), failed (an expectation). */
  readonly result: 'ok' | 'not sent' | 'stopped' | 'failed';
  readonly note?: string;
}

export interface ReportSeries {
  readonly tag: string;
  readonly peak: number;
  readonly bytes: number;
  readonly points: readonly PoolUsagePoint[];
}

export interface ReportIrql {
  readonly seq: number;
  readonly time: number;
  readonly oldIrql: number;
  readonly newIrql: number;
  readonly processor: number;
  readonly thread: number;
  readonly caller: string;
}

export interface HtmlReportModel {
  readonly title: string;
  readonly verdict: { readonly kind: 'bugcheck' | 'hang' | 'clean' | 'failed'; readonly text: string };
  readonly facts: readonly (readonly [string, string])[];
  readonly bugCheck?: {
    readonly code: number;
    readonly name: string;
    readonly description: readonly string[];
    readonly params: readonly { readonly value: number; readonly meaning: readonly string[] }[];
  };
  readonly hang?: string;
  readonly stack: readonly ReportFrame[];
  /** `sites`: the distinct callers of the listed allocations, with their source lines. */
  readonly leaks: { readonly count: number; readonly listed: readonly ReportLeak[]; readonly sites: readonly ReportFrame[] };
  /** Undefined: the run did not record it (no report asked for, or no driver verified). */
  readonly pool?: { readonly events: number; readonly stride: number; readonly series: readonly ReportSeries[]; readonly marks: readonly ReportMark[]; readonly marksDropped: number };
  readonly irql?: { readonly logged: boolean; readonly total: number; readonly entries: readonly ReportIrql[] };
  /** Why pool and irql are absent. */
  readonly notRecorded?: string;
  readonly requests: readonly ReportRequest[];
  readonly analysis?: string;
  readonly analysisOmitted?: string;
}

/** A source file's lines, read once per report. */
class Sources {
  private readonly files = new Map<string, string[] | string>();

  snippet(file: string, line: number): SourceSnippet {
    const text = this.read(file);
    if (typeof text === 'string') return { file, line, missing: text };
    const first = Math.max(1, line - SNIPPET_CONTEXT);
    return { file, line, first, lines: text.slice(first - 1, Math.min(text.length, line + SNIPPET_CONTEXT)) };
  }

  private read(file: string): string[] | string {
    let r = this.files.get(file);
    if (r === undefined) {
      const path = isAbsolute(file) ? file : resolve(file);
      if (!existsSync(path) || !statSync(path).isFile()) r = 'the source file is not here';
      else if (statSync(path).size > SOURCE_MAX_BYTES) r = 'the source file is too large to show';
      else r = readFileSync(path, 'utf8').split(/\r?\n/);
      this.files.set(file, r);
    }
    return r;
  }
}

function frames(modules: readonly ModuleInfo[], stack: readonly number[], sources: Sources): ReportFrame[] {
  return stack.map((address) => {
    const at = sourceLine(modules, address);
    return { address, symbol: formatSymbol(modules, address), ...(at ? { source: sources.snippet(at.file, at.line) } : {}) };
  });
}

function trackedLeft(machine: Machine, sources: Sources): HtmlReportModel['leaks'] {
  const modules = machine.kernel.modules;
  const listed: ReportLeak[] = [];
  const callers = new Set<number>();
  let count = 0;
  for (const d of machine.verifier?.drivers.values() ?? []) {
    count += d.allocations.size;
    for (const a of d.allocations.values()) {
      if (listed.length >= REPORT_LEAKS_LISTED) break;
      const at = a.caller ? sourceLine(modules, a.caller) : undefined;
      if (a.caller && callers.size < LEAK_SITES_SHOWN) callers.add(a.caller);
      listed.push({
        driver: d.imageName,
        address: a.address,
        size: a.size,
        tag: formatTag(a.tag),
        kind: a.kind,
        caller: a.caller ? formatSymbol(modules, a.caller) : '(not captured)',
        ...(at ? { source: `${at.file}(${at.line})` } : {}),
      });
    }
  }
  return { count, listed, sites: frames(modules, [...callers], sources) };
}

function recorded(machine: Machine): Pick<HtmlReportModel, 'pool' | 'irql' | 'notRecorded'> {
  const v = machine.verifier;
  const r = v?.report;
  if (!v) return { notRecorded: 'the run verified no driver' };
  if (!r) return { notRecorded: 'the run did not record it (dv run --html, or report: true in the run options)' };
  const modules = machine.kernel.modules;
  const series = r.series.map((s) => ({ tag: s.tag === OTHER_TAGS ? '(other tags)' : formatTag(s.tag), peak: s.peak, bytes: s.bytes, points: s.points }));
  const entries = r.irql.newestFirst().reverse();
  return {
    pool: { events: r.seq, stride: r.stride, series, marks: r.marks, marksDropped: r.marksDropped },
    irql: {
      logged: (v.flags & VF.FORCE_IRQL_CHECKING) !== 0,
      total: r.irql.length + r.irql.overwritten,
      entries: entries.map((e) => ({ seq: e.seq, time: e.time, oldIrql: e.oldIrql, newIrql: e.newIrql, processor: e.processor, thread: e.thread, caller: e.stack[0] !== undefined ? formatSymbol(modules, e.stack[0]) : '' })),
    },
  };
}

/** `!analyze -v` of the stop, unless the dump would be too large to make for a page. */
function analysisOf(o: { readonly machine: Machine; readonly dump: CrashDump }): Pick<HtmlReportModel, 'analysis' | 'analysisOmitted'> {
  const size = o.machine.dumpSize();
  if (size.bytes > DUMP_MAX_BYTES / 4) return { analysisOmitted: `the machine holds ${size.allocations} tracked allocations: open a --dump in dv kd for !analyze -v` };
  return { analysis: interpret(new DebugTarget(o.dump), '!analyze -v').output.join('\n') };
}

function stopParts(o: Pick<RunOutcome, 'bugCheck' | 'hang' | 'machine'>, sources: Sources): Pick<HtmlReportModel, 'bugCheck' | 'hang' | 'stack' | 'facts'> {
  const k = o.machine.kernel;
  const crash = k.crash;
  const facts: [string, string][] = [];
  const v = o.machine.verifier;
  facts.push(['Verifier flags', v ? hexs(v.flags) : 'off']);
  facts.push(['Simulated time at the end', simTime(k.clock.now)]);
  if (crash) {
    facts.push(['Thread', `${hexs(crash.thread.address)}${crash.thread.name ? ` (${crash.thread.name})` : ''}`]);
    facts.push(['Processor', String(crash.processor)]);
    facts.push(['IRQL at the stop', `${crash.irql} (${irqlName(crash.irql)})`]);
    if (crash.culprit) facts.push(['Module blamed', crash.culprit.module]);
  }
  const bc = o.bugCheck;
  const info = bc ? bugCheckInfo(bc.code) : undefined;
  const texts = bc ? argumentTexts(bc.code, bc.params) : [];
  return {
    facts,
    ...(bc && info ? { bugCheck: { code: bc.code, name: bc.name, description: info.description, params: bc.params.map((value, i) => ({ value, meaning: texts[i] ?? [] })) } } : {}),
    ...(o.hang ? { hang: o.hang.reason } : {}),
    stack: crash ? frames(k.modules, crash.stack, sources) : [],
  };
}

function requestWhat(r: DeviceRequest | { major: number; code?: number }): string {
  if ('kind' in r) return r.kind === 'ioctl' ? `IRP_MJ_DEVICE_CONTROL ${hexs(r.code)}` : r.kind === 'read' ? `IRP_MJ_READ ${r.length} bytes` : `IRP_MJ_WRITE ${r.data.length} bytes`;
  return `${MJ_NAMES[r.major] ?? hexs(r.major)}${r.code !== undefined ? ` ${hexs(r.code)}` : ''}`;
}

const OUTPUT_SHOWN = 64;
const outputHex = (b: Uint8Array | undefined) => (b && b.length ? `${Buffer.from(b.subarray(0, OUTPUT_SHOWN)).toString('hex')}${b.length > OUTPUT_SHOWN ? '...' : ''}` : undefined);

function verdict(o: Pick<RunOutcome, 'bugCheck' | 'hang'>): HtmlReportModel['verdict'] {
  if (o.bugCheck) return { kind: 'bugcheck', text: `Bug check ${hexs(o.bugCheck.code)} ${o.bugCheck.name} (${o.bugCheck.params.map(hexs).join(', ')})` };
  if (o.hang) return { kind: 'hang', text: `Hang: ${o.hang.reason}` };
  return { kind: 'clean', text: 'Clean: no bug check, no hang' };
}

/** The model of a `dv run` (or runDriver) outcome; `requested` lists what was to be sent, so a request not reached shows. */
export function runReportModel(o: RunOutcome, requested?: readonly DeviceRequest[]): HtmlReportModel {
  const sources = new Sources();
  const requests: ReportRequest[] = [];
  if (o.open) requests.push({ step: 'open', what: `open ${o.open.name}`, status: o.open.status, result: 'ok' });
  const stopped = o.bugCheck !== null || o.hang !== null;
  const all = requested ?? o.requests.map((r) => ({ major: r.major, code: r.code }));
  all.forEach((rq, i) => {
    const r = o.requests[i];
    const last = stopped && r === undefined && (i === 0 || o.requests[i - 1] !== undefined) && o.open !== null;
    requests.push({
      step: `request ${i + 1}`,
      what: requestWhat(rq),
      ...(r ? { status: r.status, information: r.information, output: outputHex(r.output) } : {}),
      result: r ? 'ok' : last ? 'stopped' : 'not sent',
    });
  });
  return {
    title: o.driver,
    verdict: verdict(o),
    ...stopParts(o, sources),
    leaks: trackedLeft(o.machine, sources),
    ...recorded(o.machine),
    requests,
    ...(o.bugCheck || o.hang ? analysisOf(o) : {}),
  };
}

/** The model of a scenario run: its steps are the requests. */
export function scenarioReportModel(o: ScenarioOutcome): HtmlReportModel {
  const sources = new Sources();
  const base = verdict(o);
  const failed = o.steps.filter((s) => s.failures.length > 0).length;
  return {
    title: o.file,
    verdict: failed ? { kind: 'failed', text: `${failed} step${failed === 1 ? '' : 's'} failed; ${base.text}` } : o.ok && base.kind !== 'clean' ? { ...base, text: `${base.text}: expected, every expectation met` } : base,
    ...stopParts(o, sources),
    leaks: trackedLeft(o.machine, sources),
    ...recorded(o.machine),
    requests: o.steps.map((s) => ({
      step: `line ${s.line}`,
      what: s.text,
      ...(s.status !== undefined ? { status: s.status } : {}),
      ...(s.information !== undefined ? { information: s.information } : {}),
      ...(s.output !== undefined ? { output: outputHex(s.output) } : {}),
      result: s.failures.length ? 'failed' : s.stopped ? 'stopped' : s.ran ? 'ok' : 'not sent',
      ...(s.failures.length ? { note: s.failures.join('; ') } : s.stopped ? { note: 'as the step expects' } : {}),
    })),
    ...(o.bugCheck || o.hang ? analysisOf(o) : {}),
  };
}

