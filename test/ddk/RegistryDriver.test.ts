/**
 * A C driver reads its Parameters as WDM drivers do (RtlQueryRegistryValues, ZwOpenKey and
 * ZwQueryValueKey), from a registry seeded by a .reg file, under /standard: no leak, no bug check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { dwordData } from '../../src/kernel/cm/hive.ts';
import { parseRegFile } from '../../src/kernel/cm/reg-file.ts';
import { REG } from '../../src/nt/registry.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

const SEED = [
  'Windows Registry Editor Version 5.00',
  '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RegistryParams\\Parameters]',
  '"Count"=dword:0000001f',
  '"Label"="Hello"',
  '"Ports"=hex(7):43,00,4f,00,4d,00,31,00,00,00,43,00,4f,00,4d,00,32,00,00,00,00,00',
  '',
].join('\r\n');

async function run(seed: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-registry-'));
  try {
    const driver = join(dir, 'RegistryParams.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'registry', 'RegistryParams.c')], output: driver });
    assert.ok(built.ok, built.diagnostics);
    const prints: string[] = [];
    const outcome = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: [], registry: parseRegFile(seed, 'seed.reg'), onDebugPrint: (l) => prints.push(l) }).catch((e: Error) => e);
    return { outcome, prints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('RegistryParams.c reads Count, Label, a default and the ports, then ZwQueryValueKey, and unloads clean', { skip: NEEDS_CLANG }, async () => {
  const { outcome, prints } = await run(SEED);
  assert.ok(!(outcome instanceof Error), String(outcome));
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(prints, [
    'RegistryParams: \\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RegistryParams',
    'RegistryParams: port COM1 (10 bytes)',
    'RegistryParams: port COM2 (10 bytes)',
    'RegistryParams: Count=31 Missing=5 Label=Hello Ports=2',
    'RegistryParams: ZwQueryValueKey type 4 length 4 value 31',
    'RegistryParams: 3 values, 0 subkeys',
  ]);
  const params = outcome.machine.kernel.cm.hive.lookup('\\Registry\\Machine\\System\\CurrentControlSet\\Services\\RegistryParams\\Parameters')!;
  assert.deepEqual(params.value('Loaded'), { name: 'Loaded', type: REG.DWORD, data: dwordData(1) });
});

test('without its REQUIRED Count the driver fails to load with STATUS_OBJECT_NAME_NOT_FOUND', { skip: NEEDS_CLANG }, async () => {
  const { outcome, prints } = await run(SEED.replace('"Count"=dword:0000001f\r\n', ''));
  assert.ok(outcome instanceof Error);
  assert.match(outcome.message, /RegistryParams!DriverEntry failed with STATUS_OBJECT_NAME_NOT_FOUND/);
  assert.ok(prints.includes('RegistryParams: RtlQueryRegistryValues failed c0000034'), prints.join('\n'));
});

test('a Count of the wrong type fails TYPECHECK: STATUS_OBJECT_TYPE_MISMATCH', { skip: NEEDS_CLANG }, async () => {
  const { outcome } = await run(SEED.replace('"Count"=dword:0000001f', '"Count"="31"'));
  assert.ok(outcome instanceof Error);
  assert.match(outcome.message, /DriverEntry failed with 0xc0000024|STATUS_OBJECT_TYPE_MISMATCH/);
});

test('RegistryFilter.c: its callback refuses one write and sees the other; CmUnRegisterCallback takes the cookie by value at unload', { skip: NEEDS_CLANG }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-regfilter-'));
  try {
    const driver = join(dir, 'RegistryFilter.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'registry', 'RegistryFilter.c')], output: driver });
    assert.ok(built.ok, built.diagnostics);
    const prints: string[] = [];
    const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l) });
    assert.equal(r.bugCheck, null);
    assert.deepEqual(prints, [
      'RegistryFilter: post set value: 00000000',
      // The write it refused in its pre-notification gets no post-notification (Handling Notifications).
      'RegistryFilter: Allowed 00000000, Blocked c0000022',
      'RegistryFilter: 2 pre, 1 post',
      'RegistryFilter: unregister 00000000',
    ]);
    const params = r.machine.kernel.cm.hive.lookup('\\Registry\\Machine\\System\\CurrentControlSet\\Services\\RegistryFilter\\Parameters')!;
    assert.deepEqual([...params.values.keys()], ['ALLOWED']);
    assert.equal(r.machine.kernel.cm.callbacks.registered.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
