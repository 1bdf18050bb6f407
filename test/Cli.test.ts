/** The dv command as a user runs it: exit codes 0 clean, 1 bug check, 2 usage or tool error. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.ts';

const dv = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'dv-cli-'));
const LEAKY = ['--ioctl', '0x222003:4d794472697665720100000002000000:8', '--ioctl', '0x222003:4d79:8'];

test('dv run: a leak at unload exits 1 with the fatal error lines, the dump and the JSON outcome', () => {
  const dump = join(tmp, 'leak.dmp');
  const json = join(tmp, 'leak.json');
  const r = dv('run', 'drivers/ts/MyDriver.ts', ...LEAKY, '--dump', dump, '--json', json);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /\*\*\* Fatal System Error: 0x000000c4\n \(0x00000062,0x[0-9A-F]{8},0x[0-9A-F]{8},0x00000003\)/);
  assert.match(r.out, /MyDriver\.sys: bug check 0xc4 DRIVER_VERIFIER_DETECTED_VIOLATION: A driver has forgotten to free its pool allocations prior to unloading\. \(3 allocations not freed\)/);
  const outcome = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(outcome.bugcheck.code, '0xc4');
  assert.equal(outcome.bugcheck.name, 'DRIVER_VERIFIER_DETECTED_VIOLATION');
  assert.deepEqual(outcome.bugcheck.parameters[0], '0x62');
  assert.deepEqual(outcome.leaks.map((l: { tag: string }) => l.tag).sort(), ['VMdl', 'Vfwi', 'mdrv']);
  assert.match(outcome.leaks[0].caller.symbol, /^MyDriver!DeviceControlDispatch\+0x[0-9a-f]+$/);

  const kd = dv('kd', '-z', dump, '-c', '.bugcheck; !verifier 3 MyDriver.sys');
  assert.equal(kd.code, 0, kd.err);
  assert.match(kd.out, /kd> \.bugcheck\nBugcheck code 000000c4\nArguments 00000062 [0-9a-f]{8} [0-9a-f]{8} 00000003/);
  assert.match(kd.out, /0x00001008  mdrv  0x[0-9a-f]{8}  MyDriver!DeviceControlDispatch/);
});

test('dv run: a clean driver exits 0 and writes bugcheck null', () => {
  const json = join(tmp, 'clean.json');
  const r = dv('run', 'drivers/ts/MyDriverClean.ts', ...LEAKY, '--json', json);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /MyDriverClean\.sys: no bug check/);
  const outcome = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(outcome.bugcheck, null);
  assert.deepEqual(outcome.leaks, []);
});

test('dv run: bad arguments exit 2 with a message saying what is wrong', () => {
  const flags = dv('run', 'drivers/ts/MyDriver.ts', '--verifier', '0x1000');
  assert.equal(flags.code, 2);
  assert.match(flags.err, /verifier flags 0x1000 set bits that name no option: 0x1000/);
  const ioctl = dv('run', 'drivers/ts/MyDriver.ts', '--ioctl', 'banana');
  assert.equal(ioctl.code, 2);
  assert.match(ioctl.err, /'banana' is not an IOCTL code/);
  const input = dv('run', 'drivers/ts/MyDriver.ts', '--ioctl', '0x222003:xyz');
  assert.equal(input.code, 2);
  assert.match(input.err, /input 'xyz' is not hex bytes/);
  const missing = dv('run', 'drivers/ts/Nope.ts');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /dv: cannot read driver drivers\/ts\/Nope\.ts/);
  const unknown = dv('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
});

test('dv kd: a corrupt dump is a clear error and exit 2', () => {
  const bad = join(tmp, 'bad.dmp');
  writeFileSync(bad, 'this is not a dump');
  const r = dv('kd', '-z', bad, '-c', '!analyze -v');
  assert.equal(r.code, 2);
  assert.match(r.err, /dv: .*bad\.dmp is not a driver-verifier crash dump/);
});

test('dv demo prints the scenario: fatal error, then the analysis commands of the seed document', () => {
  const r = dv('demo');
  assert.equal(r.code, 0, r.err);
  const order = ['*** Fatal System Error: 0x000000c4', 'kd> !analyze -v', 'kd> !verifier 3 MyDriver.sys', 'kd> ln 0x', 'kd> !verifier 0x80 0x'];
  let at = 0;
  for (const s of order) {
    const i = r.out.indexOf(s, at);
    assert.ok(i >= at, `'${s}' appears, in order`);
    at = i;
  }
  assert.equal((r.out.match(/^kd> ln /gm) ?? []).length, 3);
  assert.equal((r.out.match(/^kd> !verifier 0x80 /gm) ?? []).length, 3);
});
