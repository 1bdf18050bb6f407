/**
 * WPP end to end, through the command line: WppSample (drivers/c/wpp, built by dv build's WPP step)
 * traced by `dv run --trace`, its level honoured, and its trace log read back from the crash dump by
 * `!wmitrace.logdump`. Microsoft documents logdump's syntax but shows no output: its header and
 * trailer lines (`(WmiTrace)LogDump for Logger Id`, `Found Buffers`, `Total of N Messages`) follow the
 * extension's wording as we know it, and the machine's one in-memory log counts as one buffer.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertGolden, ROOT } from '../helpers.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';

const SAMPLE = 'drivers/c/wpp/WppSample/WppSample.wasm';
const work = mkdtempSync(join(tmpdir(), 'dv-wpp-run-'));
after(() => rmSync(work, { recursive: true, force: true }));

function dv(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DV_SOURCES: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('dv run --trace: a line per message as it is logged, between the request lines, every specifier formatted', () => {
  const r = dv('run', SAMPLE, '--trace', '--ioctl', '222000:0102030405060708:8', '--ioctl', '222000:01');
  assert.equal(r.status, 0, r.stderr);
  assertGolden('wpp/run-trace.out', r.stdout);
  // Without --trace the run prints no message (the session still logs them, for the dump).
  const quiet = dv('run', SAMPLE, '--ioctl', '222000:0102030405060708:8');
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stdout, /\[WppSample\]/);
});

test('--trace-level 4: the TRACE_LEVEL_VERBOSE messages are not logged (WPP_LEVEL_FLAGS_ENABLED reads the session level); a bad level is a usage error', () => {
  const r = dv('run', SAMPLE, '--trace', '--trace-level', '4', '--ioctl', '222000:0102030405060708:8');
  assert.equal(r.status, 0, r.stderr);
  const messages = r.stdout.split('\n').filter((l) => l.includes('[WppSample]'));
  assert.deepEqual(
    messages.map((l) => l.replace(/^.*\[WppSample\]/, '')),
    ['DriverEntry registry path \\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\WppSample', 'request 1 (first): 01 02 03 04 05 06 07 08', 'WppUnload after 1 requests, state SampleIdle'],
  );
  const bad = dv('run', SAMPLE, '--trace-level', '256');
  assert.equal(bad.status, EXIT.USAGE);
  assert.match(bad.stderr, /'256' is not a trace level: 0 to 255/);
});

test('!wmitrace.logdump on the dump of the leak: the messages up to the stop, -t Count the last ones, another logger refused', () => {
  const dump = join(work, 'wpp.dmp');
  const r = dv('run', SAMPLE, '--ioctl', '222000:0102030405060708:8', '--ioctl', '222004', '--dump', dump);
  assert.equal(r.status, EXIT.BUGCHECK, r.stdout + r.stderr);
  const kd = dv('kd', '-z', dump, '-c', '!wmitrace.logdump; !wmitrace.logdump -t 2 DvWppSession; !wmitrace.logdump 2');
  assert.equal(kd.status, 0, kd.stderr);
  assertGolden('wpp/logdump.out', kd.stdout.replaceAll(dump, 'wpp.dmp'));
});
