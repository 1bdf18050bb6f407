/**
 * A remote I/O target's device goes away, and the driver registered none of the remove callbacks
 * (test/fixtures/c/kmdf/KmdfWatcher.c watching drivers/c/kmdf/KmdfPnp): the framework hears the
 * kernel's target-device notifications and applies its defaults, closing the target for the
 * query-remove (its handle closed, so the removal goes on) and closing it for good, Deleted, when the
 * removal completes. Nothing is left behind.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_IO_TARGET_STATE } from '../../src/nt/wdf-target.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { FxIoTargetRemote } from '../../src/wdf/io-target-remote.ts';
import { ROOT } from '../helpers.ts';
import { KMDFPNP } from './kmdf-pnp-samples.ts';

const WATCHER = join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'KmdfWatcher.wasm');

test('the framework closes a remote target for the query-remove and for good at the removal when the driver has no remove callbacks', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['KmdfPnp.sys', 'KmdfWatcher.sys'] } });
  const k = m.kernel;
  const prints: string[] = [];
  k.onDebugPrint = (l: string) => prints.push(l.trim());
  const pnp = await m.loadDriver(KMDFPNP);
  const node = k.pnp.createRootDevice({ driverObject: pnp.driverObject, service: 'KmdfPnp' }).node;
  assert.equal(k.pnp.start(node), STATUS.SUCCESS);

  // Loaded after the device started: the existing interface is announced at once.
  const watcher = await m.loadDriver(WATCHER);
  assert.deepEqual(prints.filter((l) => l.startsWith('KmdfWatcher:')), ['KmdfWatcher: opened 0x0, state 1', 'KmdfWatcher: echo 0x0, 0x5a5a']);
  const targets = () => [...m.framework!.handles.values()].filter((o): o is FxIoTargetRemote => o instanceof FxIoTargetRemote);
  const [target] = targets();
  assert.ok(target, 'the watcher holds a remote target');
  assert.equal(k.pnp.targets.entries.length, 1, 'opened by name: the framework registered for the device\'s removal');
  assert.equal(target.targetState, WDF_IO_TARGET_STATE.Started);
  assert.notEqual(target.fileObject, 0);

  assert.equal(k.pnp.remove(node), STATUS.SUCCESS, 'the framework closed the handle at the query-remove: no veto');
  assert.equal(target.targetState, WDF_IO_TARGET_STATE.Deleted);
  assert.equal(target.fileObject, 0);
  assert.equal(target.targetDevice, 0);
  assert.equal(k.pnp.targets.entries.length, 0, 'the framework unregistered its target-device notification');

  m.unloadDriver(watcher);
  m.unloadDriver(pnp);
  assert.equal(k.crash, undefined, k.crash ? JSON.stringify(k.crash.bugCheck) : '');
});
