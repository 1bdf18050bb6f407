/** dv run's low resources simulation options: their values, their usage errors, the failed calls and the --faults exhaustive table. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { faultSettings, parseDelay, parseProbability, parseSeed, parseTags } from '../../src/cli/fault-args.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { poolTag } from '../../src/nt/pool.ts';
import { ROOT } from '../helpers.ts';

const dv = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { encoding: 'utf8', cwd: ROOT });
const CHECKED = 'drivers/c/faults/AllocChecked.wasm';
const UNCHECKED = 'drivers/c/faults/AllocUnchecked.wasm';

test('values: the seed follows the number rule, the probability is a percentage, tags are 4 characters', () => {
  assert.equal(parseSeed('10'), 0x10);
  assert.equal(parseSeed('0n10'), 10);
  assert.equal(parseProbability('6%'), 600);
  assert.equal(parseProbability('0.5%'), 50);
  assert.equal(parseProbability('100%'), 10_000);
  for (const bad of ['6', '101%', '0.001%', '-1%']) assert.throws(() => parseProbability(bad), InvalidArgumentError, bad);
  assert.deepEqual(parseTags('Allc,Buf1'), [poolTag('Allc'), poolTag('Buf1')]);
  assert.throws(() => parseTags('Al'), /not a pool tag/);
  assert.equal(parseDelay('0'), 0);
  assert.equal(parseDelay('2m'), 2 * 60 * 1000 * 10_000);
});

test('the randomized options need 0x4, --faults exhaustive needs the verifier', () => {
  assert.match(faultSettings({ faultDelay: 0 }, 0x209bb) as string, /--fault-delay sets randomized low resources simulation, which is off: add 0x4/);
  assert.match(faultSettings({ faults: 'exhaustive' }, undefined) as string, /needs Driver Verifier on/);
  assert.deepEqual(faultSettings({ faultDelay: 0, seed: 5 }, 0x209bf), { seed: 5, probability: undefined, delay: 0, tags: undefined });
  const r = dv('run', CHECKED, '--fault-probability', '6%');
  assert.equal(r.status, EXIT.USAGE);
  assert.match(r.stderr, /^dv: --fault-probability sets randomized low resources simulation, which is off/);
  const d = dv('run', CHECKED, '--faults', 'exhaustive', '--dump', join(tmpdir(), 'x.dmp'));
  assert.equal(d.status, EXIT.USAGE);
  assert.match(d.stderr, /--faults exhaustive makes many runs: --dump would name one of them/);
});

test('a run lists the calls it failed, in its output and its JSON', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'dv-faults-')), 'out.json');
  const r = dv('run', CHECKED, '--verifier', '0x609bb', '--ioctl', '222000:68656c6c6f', '--json', json);
  assert.equal(r.status, EXIT.CLEAN, r.stderr);
  assert.match(r.stdout, /^AllocChecked!DriverEntry failed with STATUS_INSUFFICIENT_RESOURCES after an injected allocation failure: the driver did not load$/m);
  assert.match(r.stdout, /^Low resources simulation \(systematic, seed 1\): 1 call failed of 1 failure point reached$/m);
  assert.match(r.stdout, /^ {2}ExAllocatePoolWithTag failed at AllocChecked!DriverEntry\+0x2d \(stack d6f2e4b5, 0 ms after boot\)$/m);
  const j = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(j.faults.injected.length, 1);
  assert.deepEqual(j.faults.injected[0].caller, { address: j.faults.injected[0].caller.address, symbol: 'AllocChecked!DriverEntry+0x2d' });
  assert.equal(j.faults.injected[0].stackHash, '0xd6f2e4b5');
  assert.equal(j.faults.injected[0].stack[0].symbol.startsWith('nt!VerifierExAllocatePoolWithTag+0x'), true);
  assert.equal(j.faults.driverEntryStatus, 'STATUS_INSUFFICIENT_RESOURCES');
});

test('a randomized run inside the grace period says why nothing failed', () => {
  const r = dv('run', CHECKED, '--verifier', '0x209bf', '--ioctl', '222000:68');
  assert.equal(r.status, EXIT.CLEAN);
  assert.match(r.stdout, /inside the 8 min 0\.000 s grace period in which randomized simulation fails nothing \(--fault-delay 0 starts it at boot\)/);
});

test('--faults exhaustive: a table row per failure point, the JSON, and exit 1 when a run bug checked', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'dv-faults-')), 'ex.json');
  const r = dv('run', UNCHECKED, '--ioctl', '222000:68656c6c6f', '--faults', 'exhaustive', '--json', json);
  assert.equal(r.status, EXIT.BUGCHECK, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'AllocUnchecked.sys: the run failing nothing: clean; 4 failure points reached');
  assert.match(r.stdout, /^ {4}2 {2}ExAllocatePoolWithTag +AllocUnchecked!AllocDeviceControl\+0x43 +02f64ff9 {2}bug check 0x1e KMODE_EXCEPTION_NOT_HANDLED \(0xc0000005, 0x[0-9a-f]+, 0x1, 0x8\)$/m);
  assert.match(r.stdout, /^AllocUnchecked\.sys: 4 runs with one failure each: 3 clean, 1 bug check, 0 hangs\.$/m);
  const j = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(j.runs.length, 4);
  assert.deepEqual(j.runs[0].outcome, { kind: 'refused', driverEntryStatus: 'STATUS_INSUFFICIENT_RESOURCES' });
  assert.equal(j.runs[1].outcome.code, '0x1e');
  const clean = dv('run', CHECKED, '--ioctl', '222000:68656c6c6f', '--faults', 'exhaustive');
  assert.equal(clean.status, EXIT.CLEAN);
});
