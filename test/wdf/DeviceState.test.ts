/**
 * A device's properties, capabilities and PnP device state through the framework (pnp/device-state.ts,
 * pnp/device-property.ts), driven by a fixture driver (test/fixtures/c/kmdf/DeviceState.c) that prints
 * what each call returned; the devnode shows what the PnP manager was told; WdfDeviceSetFailed has
 * the PnP manager remove the device.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { CAPABILITY_BIT, PNP_DEVICE } from '../../src/nt/pnp.ts';
import { STATUS } from '../../src/nt/status.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { hex, ROOT } from '../helpers.ts';

test('DeviceState: properties, capabilities and the PnP state answer as the DDI reference says; a failed device is removed', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-state-')), 'DeviceState.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'DeviceState.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const printed: string[] = [];
  const r = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    requests: [{ kind: 'ioctl', code: 0x222000, input: Buffer.alloc(0), outputLength: 0 }],
    // A rebalance after the start: the driver said its device cannot be stopped.
    stopStart: true,
    unload: false,
    shutdown: false,
    onDebugPrint: (l) => printed.push(l.replace(/^DeviceState: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(printed, [
    // STATUS_BUFFER_TOO_SMALL with the size needed ("ROOT" and its NUL).
    'init query small 0xc0000023 10',
    'init alloc 0x0 ROOT 10',
    // A property the root device has no value for: STATUS_OBJECT_NAME_NOT_FOUND.
    'init absent 0xc0000034',
    'query 0x0 ROOT 10',
    'alloc hardware id 0x0 Root\\DeviceState',
    // DEVPROP_TYPE_EMPTY for a property not set.
    'query ex absent 0xc0000034 type 0',
    'assign 0x0',
    'query ex 0x0 0x1234 size 4 type 7',
    'alloc ex 0x0 0x1234 size 4 type 7',
    // STATUS_INFO_LENGTH_MISMATCH.
    'bad size 0xc0000004',
    // WdfTrue 1, WdfFalse 0, WdfUseDefault 2.
    'state 1 0 2',
    'alignment 7',
    'set failed',
    'surprise removal',
  ]);
  // QUERY_STOP_DEVICE failed with STATUS_INVALID_DEVICE_STATE (WdfDeviceSetStaticStopRemove), so no STOP followed.
  const irps = r.pnp!.irps.map((i) => `${i.name} ${hex(i.status)}`);
  assert.ok(irps.includes(`IRP_MN_QUERY_STOP_DEVICE ${hex(STATUS.INVALID_DEVICE_STATE)}`), irps.join('\n'));
  assert.ok(!irps.some((i) => i.startsWith('IRP_MN_STOP_DEVICE')), irps.join('\n'));
  const k = r.machine.kernel;
  const [node] = k.pnp.devnodes();
  assert.ok(node);
  // The capabilities the start's QUERY_CAPABILITIES returned: the driver's over the root bus's.
  const bit = (b: number) => (node.capabilities >>> b) & 1;
  assert.deepEqual([bit(CAPABILITY_BIT.SurpriseRemovalOK), bit(CAPABILITY_BIT.Removable), bit(CAPABILITY_BIT.DeviceD1), bit(CAPABILITY_BIT.LockSupported)], [1, 1, 1, 0]);
  // The last QUERY_PNP_DEVICE_STATE (after WdfDeviceSetFailed): failed and not disableable; then removed.
  assert.equal(node.pnpDeviceState, PNP_DEVICE.FAILED | PNP_DEVICE.NOT_DISABLEABLE);
  assert.notEqual(node.state, 'DeviceNodeStarted');
});
