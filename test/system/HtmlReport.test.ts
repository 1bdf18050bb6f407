/**
 * The --html report without a browser: the page parsed as XML holds the bug check with its four parameters
 * and their meanings, the stack with source lines, one row per leak with its (escaped) tag, the requests
 * with their results, and charts with points; a clean run says it is clean. The recorder stays bounded and
 * costs nothing when no report is asked for; `dv run` loads the report's code only with --html.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { runHtmlReport, runReportModel, scenarioHtmlReport } from '../../src/system/html-report/index.ts';
import { esc } from '../../src/system/html-report/escape.ts';
import { readScenario } from '../../src/system/scenario/load.ts';
import { runScenario } from '../../src/system/scenario/run.ts';
import { OTHER_TAGS, POOL_USAGE_POINTS, POOL_USAGE_TAGS, ReportRecorder } from '../../src/verifier/report-recorder.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { htmlReport, runScenario as apiRunScenario } from '../../src/api/index.ts';
import { ROOT, fixture } from '../helpers.ts';
import { all, byId, parsePage, rows, textOf } from './html-page.ts';

const SAMPLE = fixture('ReportSample.ts');
const allocate = (n: number): DeviceRequest => ({ kind: 'ioctl', code: 0x222000, input: Buffer.from([n]), outputLength: 0 });
const FREE: DeviceRequest = { kind: 'ioctl', code: 0x222004, input: new Uint8Array(0), outputLength: 0 };
const tmp = mkdtempSync(join(tmpdir(), 'dv-html-'));

test('a leak at unload: the bug check and its parameters, a row per leak with its escaped tag, the requests, the charts', async () => {
  const requests = [allocate(5), allocate(3)];
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests, report: true });
  assert.equal(outcome.bugCheck?.code, 0xc4);
  const html = runHtmlReport(outcome, '0.1.0', requests);
  // The driver's tag '<&">' never reaches the page raw.
  assert.ok(!html.includes('<&">'));
  assert.ok(html.includes('&lt;&amp;&quot;&gt;'));
  const page = parsePage(html);

  assert.match(textOf(byId(page, 'verdict')!), /^Bug check 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION \(0x62, 0x[0-9A-F]+, 0x[0-9A-F]+, 0x8\)$/);
  const code = all(byId(page, 'bugcheck')!, 'strong')[0]!;
  assert.equal(code.attrs['data-code'], '0xC4');
  const params = rows(page, 'parameters');
  assert.deepEqual(params.map((r) => r[0]), ['Arg1', 'Arg2', 'Arg3', 'Arg4']);
  assert.equal(params[0]![1], '00000062');
  assert.equal(params[0]![2], 'A driver has forgotten to free its pool allocations prior to unloading.');
  assert.equal(params[3]![1], '00000008');
  assert.match(params[3]![2]!, /^total # of \(paged\+nonpaged\) allocations that weren't freed\./);

  const frames = rows(page, 'frames');
  assert.ok(frames.some((f) => f[2]!.startsWith('nt!VfPoolCheckForLeaks')), frames.map((f) => f[2]).join('\n'));

  const leaks = rows(page, 'leak-table');
  assert.equal(leaks.length, 8);
  for (const l of leaks) {
    assert.equal(l[1], '0x100');
    assert.equal(l[2], '<&">');
    assert.match(l[4]!, /^ReportSample!AllocateBlocks\+0x[0-9a-f]+test\/fixtures\/drivers\/ReportSample\.ts\(\d+\)$/);
  }
  // The allocation site with its source line, the line itself marked.
  const site = all(byId(page, 'leaks')!, 'pre')[0]!;
  const hit = all(site, 'span').find((s) => s.attrs.class === 'hit')!;
  assert.match(textOf(hit), /ExAllocatePoolWithTag\(POOL_TYPE\.NonPagedPoolNx, 0x100, TAG_BLOCK\)/);

  assert.deepEqual(
    rows(page, 'request-table').map((r) => [r[0], r[1], r[2], r[3], r[5]]),
    [
      ['open', 'open \\Device\\ReportSample', 'STATUS_SUCCESS (0x0)', '', 'ok'],
      ['request 1', 'IRP_MJ_DEVICE_CONTROL 0x222000', 'STATUS_SUCCESS (0x0)', '5', 'ok'],
      ['request 2', 'IRP_MJ_DEVICE_CONTROL 0x222000', 'STATUS_SUCCESS (0x0)', '3', 'ok'],
    ],
  );

  // Pool: the blocks' tag climbs to 8 blocks and stays; the temporary tag comes and goes 8 times.
  const tags = rows(page, 'pool-tags');
  assert.deepEqual(tags.map((t) => [t[0], t[1], t[2]]), [
    ['<&">', '2 KiB', '2 KiB'],
    ['RpCx', '280 B', '0 B'],
    ['RpTm', '64 B', '0 B'],
  ]);
  const paths = all(byId(page, 'pool-chart')!, 'path');
  const blocks = paths.find((p) => p.attrs['data-tag'] === '<&">')!;
  assert.equal(blocks.attrs['data-points'], '8');
  assert.equal((blocks.attrs.d!.match(/V/g) ?? []).length, 8);
  // The IRQL timeline: two raises to DISPATCH_LEVEL and back per block (the spin lock), one per request (KfRaiseIrql).
  const irql = all(byId(page, 'irql-chart')!, 'path')[0]!;
  assert.equal(irql.attrs['data-points'], String(2 * (8 + 2)));
  assert.match(textOf(byId(page, 'irql')!), /DISPATCH_LEVEL -> PASSIVE_LEVEL/);
  assert.match(textOf(byId(page, 'analysis')!), /DRIVER_VERIFIER_DETECTED_VIOLATION \(c4\)/);
});

test('a clean run gets the same page, saying it is clean', async () => {
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests: [allocate(2), FREE], report: true });
  assert.equal(outcome.bugCheck, null);
  const page = parsePage(runHtmlReport(outcome, '0.1.0', [allocate(2), FREE]));
  assert.equal(textOf(byId(page, 'verdict')!), 'Clean: no bug check, no hang');
  assert.equal(byId(page, 'verdict')!.attrs.class, 'verdict clean');
  assert.equal(textOf(byId(page, 'bugcheck')!), 'Bug checkNo bug check: the run is clean.');
  assert.match(textOf(byId(page, 'leaks')!), /None: every tracked allocation/);
  assert.equal(byId(page, 'leak-table'), undefined);
  assert.equal(rows(page, 'request-table').length, 3);
  assert.equal(rows(page, 'pool-tags').find((t) => t[0] === '<&">')?.[2], '0 B');
  assert.equal(byId(page, 'analysis'), undefined);
});

test('a request the machine stopped in is marked, the ones after it not sent; the stack shows the source lines', async () => {
  const requests: DeviceRequest[] = [{ kind: 'ioctl', code: 0x222004, input: Buffer.from([0]), outputLength: 0 }, { kind: 'ioctl', code: 0x222004, input: Buffer.from([0]), outputLength: 0 }];
  const outcome = await runDriver({ driver: join(ROOT, 'drivers', 'c', 'rules', 'DoubleFree.wasm'), verifierFlags: STANDARD_FLAGS, requests, report: true });
  assert.equal(outcome.bugCheck?.params[0], 0x13);
  const page = parsePage(runHtmlReport(outcome, '0.1.0', requests));
  assert.deepEqual(rows(page, 'request-table').map((r) => r[5]), ['ok', 'stopped', 'not sent']);
  const model = runReportModel(outcome, requests);
  const frame = model.stack.find((f) => f.symbol.startsWith('DoubleFree!Submit'))!;
  const source = readFileSync(join(ROOT, 'drivers', 'c', 'rules', 'DoubleFree.c'), 'utf8').split('\n');
  assert.equal(frame.source?.file, 'drivers/c/rules/DoubleFree.c');
  assert.match(source[frame.source!.line - 1]!, /VIOLATION/);
  assert.deepEqual(frame.source!.lines, source.slice(frame.source!.first! - 1, frame.source!.line + 3));
  const hit = all(byId(page, 'stack')!, 'span').find((s) => s.attrs.class === 'hit')!;
  assert.match(textOf(hit), /ExFreePoolWithTag\(work, TAG\); \/\/ VIOLATION/);
});

test('a scenario report: its steps are the rows, with their results', async () => {
  const o = await runScenario(readScenario(join(ROOT, 'examples', 'mydriver-leak.yaml')), { report: true });
  const page = parsePage(scenarioHtmlReport(o, '0.1.0'));
  const steps = rows(page, 'request-table');
  assert.deepEqual(steps.map((s) => s[1]), o.steps.map((s) => s.text));
  assert.deepEqual(steps.map((s) => s[5]), ['ok', 'ok', 'ok', 'ok', 'ok', 'stoppedas the step expects']);
  assert.match(textOf(byId(page, 'verdict')!), /^Bug check 0xC4 .*: expected, every expectation met$/);
  assert.deepEqual(rows(page, 'leak-table').map((l) => l[2]).sort(), ['VMdl', 'Vfwi', 'mdrv']);
  assert.equal(all(byId(page, 'pool-chart')!, 'g').length, o.steps.length);
});

test('the library: a scenario run renders its page, recorded by default', async () => {
  const run = await apiRunScenario(join(ROOT, 'examples', 'mydriver-leak.yaml'));
  const page = parsePage(run.html());
  assert.equal(rows(page, 'leak-table').length, 3);
  assert.ok(byId(page, 'pool-chart'));
  assert.equal(htmlReport(run), run.html());
});

test('a run that recorded nothing says so instead of drawing', async () => {
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests: [allocate(1)] });
  const page = parsePage(runHtmlReport(outcome, '0.1.0'));
  assert.equal(byId(page, 'pool-chart'), undefined);
  assert.match(textOf(byId(page, 'pool-usage')!), /Not recorded: the run did not record it/);
  assert.equal(rows(page, 'leak-table').length, 1);
});

test('without a report the verifier wraps nothing: its tracking and IRQL log are the classes\' own methods, with no listener', async () => {
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests: [allocate(1), FREE] });
  const v = outcome.machine.verifier!;
  assert.equal(v.report, undefined);
  const d = v.driver('ReportSample')!;
  assert.ok(!Object.hasOwn(d, 'track') && !Object.hasOwn(d, 'untrack'));
  assert.equal(d.observed, false);
  assert.ok(!Object.hasOwn(v.irqlLog, 'add'));
  const recorded = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests: [allocate(1), FREE], report: true });
  assert.equal(recorded.machine.verifier!.driver('ReportSample')!.observed, true);
  assert.ok(recorded.machine.verifier!.report!.series.length > 0);
});

test('the recorder stays bounded: merged points keep the peak, the tags past the limit share one series', () => {
  const r = new ReportRecorder(() => 0);
  // A saw-tooth: up 16 bytes, down 16, many times, with a single peak of 1 MiB in the middle.
  const events = 20 * POOL_USAGE_POINTS;
  for (let i = 0; i < events / 2; i++) {
    const size = i === events / 4 ? 0x100000 : 16;
    r.poolChange(0x41414141, size);
    r.poolChange(0x41414141, -size);
  }
  const s = r.series[0]!;
  assert.ok(s.points.length <= POOL_USAGE_POINTS, `${s.points.length} points`);
  assert.ok(r.stride > 1);
  assert.equal(Math.max(...s.points.map((p) => p.peak)), 0x100000);
  assert.equal(s.points.at(-1)!.bytes, 0);
  assert.equal(s.points.at(-1)!.seq, events - 1);
  for (let t = 0; t < POOL_USAGE_TAGS + 10; t++) r.poolChange(t + 1, 8);
  assert.equal(r.series.length, POOL_USAGE_TAGS + 1);
  assert.equal(r.series.find((x) => x.tag === OTHER_TAGS)!.bytes, 8 * 11);
});

test('text from the driver is escaped; characters XML cannot hold become U+FFFD', () => {
  assert.equal(esc(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(esc('tab\there\u0001\u0000\ud800 ok \u{1f600}'), 'tab\there\ufffd\ufffd\ufffd ok \u{1f600}');
});

test('dv run --html writes the page; dv run loads the report code only when --html is given', () => {
  const file = join(tmp, 'report.html');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', SAMPLE, '--ioctl', '222000:02', '--html', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const page = parsePage(readFileSync(file, 'utf8'));
  assert.equal(rows(page, 'leak-table').length, 2);
  // A bad --html is a usage error before anything runs.
  const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', SAMPLE, '--html', join(tmp, 'no-such-folder', 'r.html')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^dv: --html .*: the folder .* does not exist\n$/);
  // --faults exhaustive makes many runs: one page would name one of them.
  const many = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', SAMPLE, '--faults', 'exhaustive', '--html', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(many.status, 2);
  assert.match(many.stderr, /--html would name one of them/);

  // No module dv run loads up front reaches the report: main.ts and the simulator it loads for every run
  // (simulator.ts), and everything they import statically, transitively.
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
      if (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly) continue;
      const spec = st.moduleSpecifier;
      if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) visit(resolve(dirname(file), spec.text));
    }
  };
  visit(join(ROOT, 'src', 'cli', 'main.ts'));
  visit(join(ROOT, 'src', 'cli', 'simulator.ts'));
  // The walk reached the run itself (so an empty answer below means something).
  assert.ok(seen.has(join(ROOT, 'src', 'system', 'run.ts')), `${seen.size} modules, without src/system/run.ts`);
  assert.deepEqual([...seen].map((f) => relative(ROOT, f)).filter((f) => f.includes('html-report')), []);
});

test('dv run --scenario --html writes the scenario page', () => {
  const file = join(tmp, 'scenario.html');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', '--scenario', join(ROOT, 'examples', 'mydriver-clean.yaml'), '--html', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const page = parsePage(readFileSync(file, 'utf8'));
  assert.equal(byId(page, 'verdict')!.attrs.class, 'verdict clean');
});
