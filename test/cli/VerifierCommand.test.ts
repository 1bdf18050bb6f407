/**
 * `dv verifier`: verifier.exe's switches, the settings they persist in the state folder, and what the next
 * `dv run` (a boot) does with them: which driver it verifies, the counters /query shows, the boot modes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { afterBoot, applyChange, bootSettings } from '../../src/cli/verifier/apply.ts';
import { parseVerifierSwitches, type SettingsChange } from '../../src/cli/verifier/switches.ts';
import { RESET_STATE } from '../../src/cli/verifier/state.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { isVerified } from '../../src/verifier/settings.ts';
import { assertGolden, ROOT } from '../helpers.ts';

const set = (...argv: string[]) => parseVerifierSwitches(argv) as SettingsChange;

test('verifier.exe syntax: /standard, /flags in decimal or 0x-hex, /driver lists, switches with / or - in any case', () => {
  assert.deepEqual(set('/standard', '/driver', 'a.sys', 'b.sys'), { kind: 'set', flags: STANDARD_FLAGS, drivers: ['a.sys', 'b.sys'] });
  assert.equal(set('/flags', '7', '/driver', 'beep.sys').flags, 7);
  assert.equal(set('-FLAGS', '0x209BB', '-Driver', 'x.sys').flags, 0x209bb);
  assert.deepEqual(set('/standard', '/all').drivers, ['*']);
  // Force pending I/O and IRP logging need I/O verification: verifier.exe adds it.
  assert.equal(set('/flags', '0x200', '/driver', 'x.sys').flags, 0x210);
  // Rule classes: 1 special pool, 4 pool tracking, 5 I/O verification, 18 DDI compliance.
  assert.equal(set('/rc', '1', '4', '5', '18', '/driver', 'x.sys').flags, VF.SPECIAL_POOL | VF.POOL_TRACKING | VF.IO_VERIFICATION | VF.DDI_COMPLIANCE);
  assert.deepEqual(set('/faults', '1000', 'Tag1 Fred', '', '5', '/driver', 'x.sys').faults, { probability: 1000, tags: ['Tag1', 'Fred'], applications: [], delayMinutes: 5 });
  assert.deepEqual(set('/faults', '', '', '', '0xa').faults, { tags: [], applications: [], delayMinutes: 10 });
  assert.deepEqual(parseVerifierSwitches(['/query']), { kind: 'query' });
  assert.deepEqual(parseVerifierSwitches(['-?']), { kind: 'help' });
});

test('bad switches are errors that say why, never ignored', () => {
  const bad: Array<[string[], RegExp]> = [
    [[], /no switch given/],
    [['/bogus'], /unknown switch \/bogus/],
    [['standard'], /'standard' is not a switch/],
    [['/flags', '209bb', '/driver', 'x.sys'], /hex needs 0x, as verifier.exe reads it: 0x209bb/],
    [['/flags', '0x1000', '/driver', 'x.sys'], /bits that name no option: 0x1000/],
    [['/standard', '/flags', '8', '/driver', 'x.sys'], /exclude each other/],
    [['/driver', 'my*.sys'], /no wildcards/],
    [['/rc', '34', '/driver', 'x.sys'], /rule class 34 \(WDF Verification/],
    [['/rc', '7', '/driver', 'x.sys'], /7 is not a rule class/],
    [['/query', '/reset'], /cannot be combined/],
    [['/querysettings', '/driver', 'x.sys'], /cannot be combined/],
    [['/faults', '20000'], /over 10000/],
    [['/faultssystematic', 'enableboottime'], /no boot-time phase/],
    [['/faultssystematic', 'recordruntime'], /--faults exhaustive lists every failure point/],
    [['/faults', '100', 'Ta*', '', '0', '/driver', 'x.sys'], /whole tags of 4 characters, without wildcards/],
    [['/faults', '100', '', 'notepad.exe'], /every process context/],
    [['/bootmode', 'sometimes'], /use persistent, resetonbootfail/],
    [['/adddriver', 'x.sys'], /go with \/volatile/],
    [['/volatile', '/driver', 'x.sys'], /\/volatile takes/],
    [['/log', 'a.log', '/interval', '5'], /once, when it ends/],
  ];
  for (const [argv, why] of bad) assert.throws(() => parseVerifierSwitches(argv), why, argv.join(' '));
});

test('settings change as verifier.exe changes them; /driver alone verifies with the standard options', () => {
  const s1 = applyChange(undefined, set('/driver', 'x.sys'));
  assert.equal(s1.verifyDriverLevel, STANDARD_FLAGS);
  const s2 = applyChange(s1, set('/flags', '8', '/driver', 'y.sys'));
  assert.deepEqual([s2.verifyDriverLevel, s2.verifyDrivers], [8, ['y.sys']]);
  // /faults alone adds randomized low resources simulation to the options in force.
  const s3 = applyChange(s2, set('/faults', '100'));
  assert.equal(s3.verifyDriverLevel, 8 | VF.RANDOMIZED_LOW_RESOURCES);
  assert.equal(s3.faults?.probability, 100);
  assert.throws(() => applyChange(RESET_STATE, set('/flags', '8')), /no driver to verify/);
  // /faultssystematic turns systematic low resources simulation on and off in the options.
  const sys = applyChange(s3, set('/faultssystematic', 'enableruntime'));
  assert.equal(sys.verifyDriverLevel & VF.SYSTEMATIC_LOW_RESOURCES, VF.SYSTEMATIC_LOW_RESOURCES);
  assert.equal(applyChange(sys, set('/faultssystematic', 'disableruntime')).verifyDriverLevel & VF.SYSTEMATIC_LOW_RESOURCES, 0);
  // /all with exclusions: every driver but those.
  const all = bootSettings(applyChange(undefined, set('/standard', '/all', '/driver.exclude', 'skip.sys'))).verifier!;
  assert.ok(isVerified(all, 'Any.sys'));
  assert.ok(!isVerified(all, 'SKIP.sys'));
});

test('volatile changes hold for the next boot only, on top of the persisted settings', () => {
  const persisted = applyChange(undefined, set('/flags', '8', '/driver', 'a.sys', 'b.sys'));
  const withVolatile = applyChange(persisted, set('/volatile', '/flags', '0x9', '/adddriver', 'c.sys', '/removedriver', 'a.sys'));
  const boot = bootSettings(withVolatile).verifier!;
  assert.deepEqual([boot.flags, boot.drivers], [9, ['b.sys', 'c.sys']]);
  const after = afterBoot(withVolatile, { failedToStart: false, unusual: false }).state;
  assert.deepEqual(after, persisted);
});

test('boot modes: oneboot, resetonbootfail, resetonunusualshutdown and /bc reset the settings when Windows would', () => {
  const base = applyChange(undefined, set('/standard', '/driver', 'x.sys'));
  const mode = (m: string) => applyChange(base, set('/bootmode', m));
  const clean = { failedToStart: false, unusual: false };
  const crashed = { failedToStart: false, unusual: true };
  const failed = { failedToStart: true, unusual: true };
  assert.equal(afterBoot(mode('oneboot'), clean).state, RESET_STATE);
  assert.equal(afterBoot(mode('persistent'), failed).reset, undefined);
  assert.equal(afterBoot(mode('resetonbootfail'), crashed).reset, undefined);
  assert.match(afterBoot(mode('resetonbootfail'), failed).reset ?? '', /failed to start/);
  assert.equal(afterBoot(mode('rous'), clean).reset, undefined);
  assert.match(afterBoot(mode('rous'), crashed).reset ?? '', /bug check or a hang/);
  // /bc 2: two boots, then reset (and it implies resetonunusualshutdown).
  const bc = applyChange(base, set('/bc', '2'));
  assert.equal(bc.bootMode, 'resetonunusualshutdown');
  const one = afterBoot(bc, clean);
  assert.equal(one.state.bootsLeft, 1);
  assert.match(afterBoot(one.state, clean).reset ?? '', /\/bc are used up/);
});

function dv(home: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: home, encoding: 'utf8', env: { ...process.env, DV_HOME: join(home, 'state') } });
}

test('dv verifier persists settings that the next dv run boots with, and /query shows that run\'s counters', () => {
  const home = mkdtempSync(join(tmpdir(), 'dv-verifier-'));
  const myDriver = join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm');
  assert.equal(dv(home, 'verifier', '/query').stdout, 'No drivers are currently verified.\n');
  const made = dv(home, 'verifier', '/standard', '/driver', 'MyDriver.sys');
  assert.equal(made.status, 0, made.stderr);
  assertGolden('verifier-standard-driver.out', made.stdout);
  assertGolden('verifier-querysettings.out', dv(home, 'verifier', '/querysettings').stdout);

  // The leak of the sample is found: /standard includes pool tracking.
  const run = dv(home, 'run', myDriver, '--ioctl', '222003');
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /0x00000062/);
  const query = dv(home, 'verifier', '/query').stdout;
  assert.match(query, /^\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d UTC \(the last dv run\)\nLevel: 000209BB\n/);
  assert.match(query, /AllocationsAttempted: 3\n/);
  assert.match(query, /Name: MyDriver\.sys, loads: 1, unloads: 0\nCurrentPagedPoolAllocations: 0\nCurrentNonPagedPoolAllocations: 3\n/);

  // After /reset nothing is verified: the same run is clean, and says why.
  assert.equal(dv(home, 'verifier', '/reset').status, 0);
  const unverified = dv(home, 'run', myDriver, '--ioctl', '222003');
  assert.equal(unverified.status, 0, unverified.stdout + unverified.stderr);
  assert.match(unverified.stdout, /MyDriver\.sys is not verified: the settings dv verifier made do not name it/);
  // --verifier on the command line still decides for that run alone.
  assert.equal(dv(home, 'run', myDriver, '--ioctl', '222003', '--verifier', 'standard').status, 1);
});

test('dv verifier /bootmode oneboot: one verified run, then none; /log appends each run\'s statistics', () => {
  const home = mkdtempSync(join(tmpdir(), 'dv-verifier-'));
  const myDriver = join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm');
  const log = join(home, 'stats.log');
  assert.equal(dv(home, 'verifier', '/flags', '8', '/driver', 'MyDriver.sys', '/bootmode', 'oneboot', '/log', log).status, 0);
  const first = dv(home, 'run', myDriver, '--ioctl', '222003');
  assert.equal(first.status, 1);
  assert.match(first.stdout, /dv verifier: settings reset: the settings were for one boot \(\/bootmode oneboot\)\./);
  assert.match(readFileSync(log, 'utf8'), /Level: 00000008\n/);
  assert.equal(dv(home, 'run', myDriver, '--ioctl', '222003').status, 0);
});

test('the /faults parameters persist into the next run: every pool allocation of the driver fails from boot on', () => {
  const home = mkdtempSync(join(tmpdir(), 'dv-verifier-'));
  // Probability 10000 in 10,000, no boot-time delay: MyDriverClean's first allocation fails, and it copes.
  assert.equal(dv(home, 'verifier', '/faults', '10000', '', '', '0', '/driver', 'MyDriverClean.sys').status, 0);
  assert.match(dv(home, 'verifier', '/querysettings').stdout, /Fault injection probability: 10000\/10000\.\n.*\n.*\n- Boot time delay: 0 minutes\./);
  const r = dv(home, 'run', join(ROOT, 'drivers', 'c', 'MyDriverClean', 'MyDriverClean.wasm'), '--ioctl', '222003:4d794472697665720100000002000000:8');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /IOCTL 0x00222003 -> STATUS_INSUFFICIENT_RESOURCES/);
  assert.match(r.stdout, /Low resources simulation \(randomized, seed 1\): 1 call failed of 1 failure point reached\n {2}ExAllocatePoolWithTag failed at MyDriverClean!DeviceControlDispatch\+0x[0-9a-f]+ \(stack [0-9a-f]+, 0 ms after boot\)/);
});

test('a damaged state file is an error that names it, and is left as it was', () => {
  const home = mkdtempSync(join(tmpdir(), 'dv-verifier-'));
  assert.equal(dv(home, 'verifier', '/standard', '/driver', 'x.sys').status, 0);
  const file = join(home, 'state', 'verifier-settings.json');
  assert.ok(existsSync(file));
  writeFileSync(file, '{"verifyDrivers": ["x.sys"], "verifyDriverLevel": 4096, "bootMode": "persistent"}');
  for (const args of [['verifier', '/querysettings'], ['run', join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm')]]) {
    const r = dv(home, ...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /verifier-settings\.json: verifyDriverLevel sets bits that name no option; fix it, or remove it/);
  }
  assert.match(readFileSync(file, 'utf8'), /4096/);
});
