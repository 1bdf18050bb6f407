/**
 * A verified C driver (test/fixtures/c/pnp/DeviceTools.c, built with dv build) using the PnP manager's
 * device services under /standard: a property of its own set on the PDO and read back with its type
 * and size, a value written under the device's hardware key, its own device opened and watched for
 * target device changes: QUERY_REMOVE before an orderly removal, REMOVE_COMPLETE after a surprise
 * removal, at PASSIVE_LEVEL with its file object; nothing left after unload.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-tools-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function built(): string {
  const output = join(tmp, 'DeviceTools.wasm');
  const r = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'pnp', 'DeviceTools.c')], output });
  assert.ok(r.ok, r.diagnostics);
  return output;
}

async function run(extra: Partial<RunOptions>) {
  const printed: string[] = [];
  const outcome = await runDriver({ driver: built(), verifierFlags: STANDARD_FLAGS, pnp: true, onDebugPrint: (l) => printed.push(l.replace(/^DeviceTools: /, '').trim()), ...extra });
  return { outcome, printed };
}

const ADD = ['set property 0x0', 'get property 0x0 value 7 type 0x7 size 4', 'device key 0x0', 'set Mode 0x0', 'open 0x0', 'register 0x0'];

test('orderly removal: the property and the key in AddDevice, QUERY_REMOVE told before the IRP; clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const { outcome, printed } = await run({ unload: false, shutdown: false, removal: 'remove' });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(printed, ADD);
  const key = outcome.machine.kernel.cm.hive.lookup('\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Enum\\ROOT\\SYSTEM\\0000\\Device Parameters')!;
  assert.equal(Buffer.from(key.value('Mode')!.data).readUInt32LE(0), 7);
  const { outcome: removed, printed: all } = await run({});
  assert.equal(removed.bugCheck, null);
  assert.deepEqual(all, [...ADD, 'target QUERY_REMOVE, our file yes, IRQL 0', 'unload']);
  assert.equal(removed.leakCount, 0);
  assert.equal(removed.unloaded, true);
});

test('surprise removal: REMOVE_COMPLETE after SURPRISE_REMOVAL, the driver lets go and unregisters; nothing left', { skip: NEEDS_CLANG }, async () => {
  const { outcome, printed } = await run({ removal: 'surprise-remove' });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(printed, [...ADD, 'target REMOVE_COMPLETE, our file yes, IRQL 0', 'unload']);
  assert.deepEqual(outcome.pnp!.irps.map((i) => i.name).slice(-2), ['IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
  assert.equal(outcome.leakCount, 0);
  assert.equal(outcome.unloaded, true);
});
