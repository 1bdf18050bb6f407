/**
 * The corpus' KMDF samples that the registry, device-property and device-key DDIs unblock
 * (microsoft/Windows-driver-samples, read from the checkout at $DV_WDS or /work/wds, never copied),
 * built with dv build and run clean under /standard:
 * - network/modem/fakemodem reads the PortName its class installer wrote to the device's hardware key
 *   (WdfDeviceOpenRegistryKey, WdfRegistryQueryString), links \DosDevices\<port> to its PDO and
 *   writes DEVICEMAP\SERIALCOMM (WdfDeviceAllocAndQueryProperty of the PDO's name);
 * - toaster's sideband filter (WdfFdoInitQueryProperty) above func/simple: its control device
 *   \\.\ToasterFilter takes notify.c's IOCTL.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { requestsFor } from '../../src/corpus/requests.ts';
import { REG } from '../../src/nt/registry.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { hex } from '../helpers.ts';

const WDS = process.env.DV_WDS ?? '/work/wds';
const missing = existsSync(join(WDS, 'general')) ? undefined : `no Windows-driver-samples checkout at ${WDS} (set DV_WDS)`;
const skip = NEEDS_CLANG || missing;
if (missing) console.log(`# skipped: ${missing}`);

const out = mkdtempSync(join(tmpdir(), 'dv-kmdf-regcorpus-'));

function build(name: string, dir: string, sources: string[], includes: string[] = []): string {
  const output = join(out, `${name}.wasm`);
  const r = buildDriver({ sources: sources.map((s) => join(WDS, dir, s)), includeDirs: includes.map((i) => join(WDS, i)), output });
  assert.ok(r.ok, `${name} builds:\n${r.diagnostics}`);
  return output;
}

test('fakemodem: PortName from its hardware key, its COM link and DEVICEMAP\\SERIALCOMM; removal takes them away', { skip }, async () => {
  const driver = build('fakemodem', 'network/modem/fakemodem', ['driver.c', 'ioctl.c', 'readwrit.c']);
  const deviceParameters = requestsFor('network/modem/fakemodem')!.deviceParameters!;
  const serialcomm = '\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP\\SERIALCOMM';
  // While the device is there: the link and the SERIALCOMM entry (named by the PDO, valued the port).
  const loaded = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, deviceParameters, unload: false, shutdown: false });
  assert.equal(loaded.bugCheck, null);
  assert.equal(loaded.open?.status, STATUS.SUCCESS);
  const k = loaded.machine.kernel;
  const values = [...(k.cm.hive.lookup(serialcomm)?.values.values() ?? [])];
  assert.equal(values.length, 1);
  assert.equal(values[0]!.type, REG.SZ);
  assert.equal(Buffer.from(values[0]!.data).toString('utf16le').replace(/\0+$/, ''), 'COM9');
  // \DosDevices\COM9 leads to the PDO (the FDO has no name).
  assert.equal(k.ob.lookup('\\DosDevices\\COM9'), loaded.pnp?.pdo);
  // The whole run: clean, nothing leaked, the SERIALCOMM entry deleted with the device.
  const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, deviceParameters });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
  assert.equal(r.machine.kernel.cm.hive.lookup(serialcomm)?.values.size ?? 0, 0);
  // Without the installer's value the device does not start: its AddDevice fails.
  const bare = await runDriver({ driver, verifierFlags: STANDARD_FLAGS });
  assert.equal(bare.bugCheck, null);
  assert.equal(bare.pnp?.addDevice, STATUS.OBJECT_NAME_NOT_FOUND);
});

test("toaster's sideband filter above func/simple: its control device takes notify.c's IOCTL; removal and unload clean", { skip }, async () => {
  const toaster = build('toaster', 'general/toaster/toastDrv/kmdf/func/simple', ['toaster.c'], ['general/toaster/toastDrv/kmdf/func/shared', 'general/toaster/toastDrv/inc']);
  const sideband = build('sideband', 'general/toaster/toastDrv/kmdf/filter/sideband', ['filter.c'], ['general/toaster/toastDrv/inc']);
  const sample = requestsFor('general/toaster/toastDrv/kmdf/filter/sideband')!;
  const r = await runDriver({ driver: toaster, filters: [sideband], verifierFlags: STANDARD_FLAGS, open: sample.open, requests: sample.requests });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.equal(r.open?.status, STATUS.SUCCESS);
  assert.deepEqual(r.requests.map((q) => hex(q.status)), [hex(STATUS.SUCCESS)]);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
});
