/**
 * A PnP notification registration holds its driver's object, as on Windows: a driver unloaded with one left
 * keeps its image after DriverUnload (no MmUnloadSystemImage checks, the module stays listed), and the
 * unload completes when the last registration goes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const TWIN = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpMonitorStaysRegistered.ts');
const CLEAN = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpMonitor.ts');

test('the registration left by DriverUnload keeps the image; removing it completes the unload', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PnpMonitorStaysRegistered.sys'] } });
  const k = m.kernel;
  const monitor = await m.loadDriver(TWIN);
  assert.equal(k.ob.referenceCount(monitor.driverObject), 2, "the I/O manager's reference, and the registration's");
  const unloaded: string[] = [];
  k.events.on('driverUnloaded', (e) => unloaded.push(e.name));
  m.unloadDriver(monitor);
  assert.equal(k.io.unloadPending(monitor.driverObject), true);
  assert.deepEqual(unloaded, [], 'MmUnloadSystemImage has not run: no unload checks yet');
  assert.ok(k.modules.some((mod) => mod.name === 'PnpMonitorStaysRegistered'));

  const [entry] = k.pnp.notifications.entries;
  assert.ok(entry && entry.driverObject === monitor.driverObject);
  assert.equal(k.pnp.notifications.unregister(entry.handle), true);
  assert.equal(k.io.unloadPending(monitor.driverObject), false);
  assert.deepEqual(unloaded, ['PnpMonitorStaysRegistered'], 'the unload completed with its checks');
  assert.ok(!k.modules.some((mod) => mod.name === 'PnpMonitorStaysRegistered'), 'the image is gone');
  assert.deepEqual(m.loader.unloaded.map((u) => u.name), ['PnpMonitorStaysRegistered']);
  assert.equal(k.crash, undefined);
});

test('a driver that unregisters in DriverUnload unloads at once', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PnpMonitor.sys'] } });
  const k = m.kernel;
  const monitor = await m.loadDriver(CLEAN);
  m.unloadDriver(monitor);
  assert.equal(k.io.unloadPending(monitor.driverObject), false);
  assert.deepEqual(m.loader.unloaded.map((u) => u.name), ['PnpMonitor']);
  assert.equal(k.pnp.registrationsOf(monitor.driverObject), 0);
});

test("a scenario's unload step says why the image stays: the registration DriverUnload left holds its driver object", async () => {
  const { parseScenario } = await import('../../src/system/scenario/load.ts');
  const { runScenario } = await import('../../src/system/scenario/run.ts');
  const lines: string[] = [];
  const o = await runScenario(parseScenario(`steps:\n  - load: ${TWIN}\n  - unload\n`, join(ROOT, 'drivers', 'ts', 'pnp', 'test.yaml')), { onLine: (l) => lines.push(l) });
  const unload = o.steps[1]!;
  assert.equal(unload.note, 'PnpMonitorStaysRegistered.sys: DriverUnload left 1 PnP notification registration, which holds its driver object: the image stays loaded');
  assert.equal(lines[lines.indexOf(lines.find((l) => l.endsWith(': unload'))!) + 1], `  ${unload.note}`, 'printed under the step');
  const clean = await runScenario(parseScenario(`steps:\n  - load: ${CLEAN}\n  - unload\n`, join(ROOT, 'drivers', 'ts', 'pnp', 'test.yaml')));
  assert.equal(clean.steps[1]!.note, undefined, 'a driver that unregisters unloads with nothing to say');
});

/** The machine's crash, read past tsc's narrowing of an earlier `assert.equal(k.crash, undefined)`. */
const crashOf = (k: { readonly crash?: unknown }) => k.crash as { bugCheck?: { code: number; params: readonly number[] } } | undefined;

test("a driver's own reference to its driver object keeps the image too, and the leak check waits for the unload to complete", async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PinsOwnDriverObject.sys'] } });
  const k = m.kernel;
  const image = await m.loadDriver(join(ROOT, 'test', 'fixtures', 'drivers', 'PinsOwnDriverObject.ts'));
  m.unloadDriver(image);
  assert.equal(k.io.unloadPending(image.driverObject), true);
  assert.equal(k.io.heldReferences(image.driverObject), 1);
  assert.equal(k.crash, undefined, 'no unload checks yet: the leaked block is not reported while the image stays');
  const { imageHeldLine } = await import('../../src/system/run.ts');
  assert.equal(imageHeldLine('PinsOwnDriverObject.sys', k, image.driverObject), 'PinsOwnDriverObject.sys: DriverUnload left 1 reference to its driver object (ObReferenceObject with no ObDereferenceObject): the image stays loaded');
  // The reference goes (as the driver's ObDereferenceObject would drop it): the unload completes, with its checks.
  assert.throws(() => k.ob.dereference(image.driverObject), (e: Error) => e.constructor.name === 'BugCheck');
  const stop = crashOf(k)?.bugCheck;
  assert.equal(stop?.code, 0xc4);
  assert.equal(stop?.params[0], 0x62, 'the pool leak at unload (0xC4/0x62), found once the image goes');
});
