/**
 * dv's exit codes by where a failure started: the driver's fault is 1 (a bug check), the user's
 * mistake is 2 (a message, no stack), our own fault is 3 (a short message, a details file, the
 * stack only with --verbose). Our faults are injected by a test-only preload, never a dv flag.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-errors-'));
const INJECT = join(ROOT, 'test', 'fixtures', 'fault', 'inject.ts');

/** dv as a user runs it; `fault` preloads the injection seam; TMPDIR keeps details files in `tmp`. */
function dv(args: string[], options: { fault?: string; input?: string } = {}) {
  const node = options.fault ? ['--import', 'tsx', '--import', INJECT] : [];
  const r = spawnSync(process.execPath, [...node, join(ROOT, 'bin', 'dv.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, TMPDIR: tmp, DV_TEST_FAULT: options.fault ?? '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?\n/, `no stack trace in:\n${text}`);
const LEAKY = ['--ioctl', '222003:4d79:8'];

test("the driver's fault: a bug check, exit 1", () => {
  const r = dv(['run', 'drivers/ts/MyDriver.ts', ...LEAKY]);
  assert.equal(r.code, EXIT.BUGCHECK, r.err);
  assert.match(r.out, /bug check 0xc4/);
});

test("the user's mistake: a message and exit 2, no stack", () => {
  for (const args of [['run', 'drivers/ts/Nope.ts'], ['run', 'drivers/ts/MyDriver.ts', '--ioctl', 'zz'], ['kd', '-z', join(tmp, 'none.dmp')]]) {
    const r = dv(args);
    assert.equal(r.code, EXIT.USAGE, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /^(dv: |error: )/);
    noStack(r.err);
  }
});

test('our fault in a kernel DDI: "dv: internal error", a details file, exit 3, no bug check, no stack without --verbose', () => {
  const r = dv(['run', 'drivers/ts/MyDriver.ts', ...LEAKY], { fault: 'ddi' });
  assert.equal(r.code, EXIT.INTERNAL, r.err);
  assert.match(r.err, /^dv: internal error: IoCreateDevice failed inside the simulator: TypeError: injected fault in IoCreateDevice\n/);
  assert.doesNotMatch(r.out + r.err, /Fatal System Error|bug check|0x0000007e|0x0000001e/i);
  noStack(r.err);
  const file = /dv: details are in (\S+); please attach it to a bug report/.exec(r.err)?.[1];
  assert.ok(file && file.startsWith(tmp) && existsSync(file), `the details file is named: ${r.err}`);
  const details = readFileSync(file, 'utf8');
  assert.match(details, /^message: IoCreateDevice failed inside the simulator/m);
  assert.match(details, /^dv version: \d+\.\d+\.\d+$/m);
  assert.match(details, new RegExp(`^node: ${process.version.replace(/\./g, '\\.')} `, 'm'));
  assert.match(details, /^argv: \["run","drivers\/ts\/MyDriver\.ts","--ioctl","222003:4d79:8"\]$/m);
  assert.match(details, /Caused by: TypeError: injected fault in IoCreateDevice\n\s+at /);
});

test('--verbose puts the stack of an internal error on stderr too', () => {
  const r = dv(['--verbose', 'run', 'drivers/ts/MyDriver.ts'], { fault: 'ddi' });
  assert.equal(r.code, EXIT.INTERNAL, r.err);
  assert.match(r.err, /^dv: internal error: /);
  assert.match(r.err, /Caused by: TypeError: injected fault in IoCreateDevice\n\s+at /);
});

test('our fault in the debugger at a --debugger break: exit 3, never the driver\'s 0x7E', () => {
  const r = dv(['run', 'drivers/ts/rules/ShutdownTimeout.ts', '--debugger'], { fault: 'debugger', input: 'lm\ng\n' });
  assert.equal(r.code, EXIT.INTERNAL, r.err);
  assert.match(r.err, /^dv: internal error: the debugger's lm command failed on "lm": TypeError: injected fault in lm\n/);
  assert.doesNotMatch(r.out, /Fatal System Error|host exception/);
});

test('a kd command with U+2028 typed at a --debugger break gets kd text and the run goes on (the issue\'s repro)', () => {
  const r = dv(['run', 'drivers/ts/rules/ShutdownTimeout.ts', '--debugger'], { input: '!analyze -v\u2028x\nln \u2028\ng\n' });
  assert.equal(r.code, EXIT.BUGCHECK, r.err); // a Driver Verifier break, continued: exit 1 as documented
  assert.match(r.out, /broke in 1 time .*continued/);
  assert.doesNotMatch(r.out, /0x7e|host exception/i);
  assert.equal(r.err, '');
});

test('dv kd -c: an unknown command prints kd\'s error, the others still run, exit 2', () => {
  const dump = join(tmp, 'leak.dmp');
  assert.equal(dv(['run', 'drivers/ts/MyDriver.ts', ...LEAKY, '--dump', dump]).code, EXIT.BUGCHECK);
  const r = dv(['kd', '-z', dump, '-c', '.bugcheck; !frob; lm']);
  assert.equal(r.code, EXIT.USAGE, r.err);
  assert.match(r.out, /kd> \.bugcheck\nBugcheck code 000000c4\n/);
  assert.match(r.out, /kd> !frob\nNo export frob found\nkd> lm\nstart    end        module name\n/);
  assert.equal(dv(['kd', '-z', dump, '-c', '.bugcheck; lm']).code, EXIT.CLEAN);
});

test('our fault in a kd command over a dump (dv kd -c): exit 3, the other commands ran before it', () => {
  const dump = join(tmp, 'leak3.dmp');
  assert.equal(dv(['run', 'drivers/ts/MyDriver.ts', ...LEAKY, '--dump', dump]).code, EXIT.BUGCHECK);
  const r = dv(['kd', '-z', dump, '-c', '.bugcheck; lm; k'], { fault: 'debugger' });
  assert.equal(r.code, EXIT.INTERNAL, r.err);
  assert.match(r.out, /kd> \.bugcheck\nBugcheck code 000000c4\n/);
  assert.match(r.err, /^dv: internal error: the debugger's lm command failed on "lm": TypeError: injected fault in lm\ndv: details are in /);
  noStack(r.err);
});

test('dv kd -c over several lines runs each line as a command (it was a raw stack trace, exit 1)', () => {
  const dump = join(tmp, 'leak2.dmp');
  assert.equal(dv(['run', 'drivers/ts/MyDriver.ts', ...LEAKY, '--dump', dump]).code, EXIT.BUGCHECK);
  const r = dv(['kd', '-z', dump, '-c', '.bugcheck\r\nlm\n\nk; q']);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.match(r.out, /kd> \.bugcheck\n[\s\S]*kd> lm\n[\s\S]*kd> k\n # RetAddr/);
  assert.equal(r.err, '');
});

test('a TS DriverEntry that returns no status fails to load (exit 2), it is not a success', () => {
  const dir = mkdtempSync(join(tmp, 'ts-'));
  const path = join(dir, 'NoStatus.ts');
  writeFileSync(path, 'export function DriverEntry(_d: number, _r: number, _ddi: unknown): void {}\n');
  const r = dv(['run', path]);
  assert.equal(r.code, EXIT.USAGE, r.out);
  assert.equal(r.err, 'dv: NoStatus!DriverEntry returned undefined, not an NTSTATUS: the driver did not load\n');
  writeFileSync(path, 'export async function DriverEntry(_d: number, _r: number, _ddi: unknown): Promise<number> { return 0; }\n');
  assert.match(dv(['run', path]).err, /returned a Promise \(is DriverEntry async\? it must return its status\)/);
  rmSync(dir, { recursive: true, force: true });
});

test('a reader that stops early (dv run ... | head) is not an internal error: the verdict\'s exit code stands', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', 'drivers/ts/MyDriver.ts', ...LEAKY], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, EXIT.BUGCHECK, err);
  assert.doesNotMatch(err, /internal error|EPIPE/);
});
