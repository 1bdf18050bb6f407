/**
 * WDFKEY (src/wdf/registry.ts), driven by a fixture driver (test/fixtures/c/kmdf/RegistryCalls.c)
 * that prints what each call returned: its Parameters key read with the value the run's registry
 * set, the device's hardware and software keys, every typed query and assignment with the
 * framework's statuses, and the twin that closes a key twice (0x10D/0x5).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../../src/nt/wdf.ts';
import { REG } from '../../src/nt/registry.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const SOURCE = join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'RegistryCalls.c');
const build = (name: string, defines: string[] = []) => {
  const output = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-reg-')), `${name}.wasm`);
  const built = buildDriver({ sources: [SOURCE], output, defines });
  assert.ok(built.ok, built.diagnostics);
  return output;
};
const parameters = (service: string) => `\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\${service}\\Parameters`;

test('RegistryCalls: each WDFKEY call answers as the DDI reference says, clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const driver = build('RegistryCalls');
  const printed: string[] = [];
  const r = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    registry: [{ op: 'value', path: parameters('RegistryCalls'), name: 'Level', type: REG.DWORD, data: new Uint8Array([42, 0, 0, 0]), line: 1 }],
    onDebugPrint: (l) => printed.push(l.replace(/^RegistryCalls: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.leaks, []);
  assert.deepEqual(printed, [
    'parameters 0x0',
    'Level 0x0 42',
    // STATUS_OBJECT_NAME_NOT_FOUND.
    'Missing 0xc0000034',
    'handle 1',
    'init hardware key 0x0',
    'assign ulong 0x0',
    'query ulong 0x0 7',
    'assign unicode 0x0',
    // STATUS_BUFFER_OVERFLOW with the length needed ("toaster" and its NUL), REG_SZ.
    'query value size 0x80000005 16 type 1',
    'query value small 0x80000005 16',
    'query value 0x0 16 toaster',
    // STATUS_OBJECT_TYPE_MISMATCH.
    'ulong of string 0xc0000024',
    // The byte length counts the NUL; the UNICODE_STRING's Length does not.
    'query unicode 0x0 bytes 16 length 14 toaster',
    // No buffer: the length needed, with STATUS_BUFFER_OVERFLOW (the framework's query of 0 bytes).
    'query unicode size 0x80000005 16',
    'query unicode small 0x80000005 16',
    'query string 0x0 toaster',
    'string of ulong 0xc0000024',
    'assign multi 0x0',
    'query multi 0x0 count 2',
    'multi[1] second',
    'multi of string 0xc0000024',
    'assign value 0x0',
    'query memory 0x0 type 3 size 3 last 3',
    'assign memory 0x0',
    'remove value 0x0, again 0xc0000034',
    'software key 0x0',
    'open missing 0xc0000034',
    // REG_CREATED_NEW_KEY, then REG_OPENED_EXISTING_KEY.
    'create 0x0 disposition 1',
    'create again 0x0 disposition 2',
    'remove key 0x0',
    'open removed 0xc0000034',
    'devicemap 0x0',
    'devicemap assign 0x0',
  ]);
  // What the driver wrote is in the device's hardware key (while the device is there: its removal deletes its Enum key).
  const kept = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, onDebugPrint: () => {} });
  const k = kept.machine.kernel;
  const [node] = k.pnp.devnodes();
  assert.ok(node, "the driver's root device");
  const hardware = k.cm.hive.lookup(`\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Enum\\${node.instancePath}\\Device Parameters`);
  assert.equal(hardware?.value('Level')?.type, REG.BINARY);
  assert.equal(hardware?.value('List')?.type, REG.MULTI_SZ);
  assert.equal(hardware?.value('Blob'), undefined);
  // WdfDeviceOpenDevicemapKey: a volatile key under HARDWARE\DEVICEMAP.
  const map = k.cm.hive.lookup('\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP\\RegistryCalls');
  assert.equal(map?.volatile, true);
  assert.equal(map?.value('Level')?.type, REG.DWORD);
});

test('RegistryCalls twin: a WDFKEY closed twice is 0x10D/0x5 (invalid handle), the key type expected', { skip: NEEDS_CLANG }, async () => {
  const driver = build('RegistryCloseTwice', ['CLOSE_TWICE']);
  const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, onDebugPrint: () => {} });
  assert.ok(r.bugCheck);
  assert.equal(r.bugCheck.code, 0x10d);
  assert.equal(r.bugCheck.params[0], WDF_BUGCHECK.INVALID_HANDLE);
  assert.equal(r.bugCheck.params[2], FX_TYPE.RegKey);
});
