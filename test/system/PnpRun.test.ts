/**
 * dv run under the PnP manager, with the PnpFunction sample in TypeScript and its C twin (the committed
 * wasm): AddDevice with the PDO, the PnP IRPs in Windows' order as the driver sees them, an IOCTL to the
 * top of the stack, removal and surprise removal, a rebalance, DriverUnload only after the last device
 * is gone, nothing left behind (pool, devices, devnode, Enum key) under /standard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';
import { join } from 'node:path';

const IOCTL_ECHO = 0x222400;
const DRIVERS = {
  ts: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts'),
  c: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFunction', 'PnpFunction.wasm'),
} as const;

/** A start, and the bus relations a started device is asked for (nobody answers them for a function driver). */
const START = ['IRP_MN_START_DEVICE', 'IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS'];
const statusOf = (name: string) => (name === 'IRP_MN_QUERY_DEVICE_RELATIONS' ? STATUS.NOT_SUPPORTED : STATUS.SUCCESS);

async function run(driver: string, extra: Partial<RunOptions> = {}) {
  const printed: string[] = [];
  const lines: string[] = [];
  const outcome = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }],
    onDebugPrint: (l) => printed.push(l.replace(/^PnpFunction: /, '').trim()),
    onRequest: (l) => lines.push(l),
    ...extra,
  });
  return { outcome, printed, lines };
}

for (const [lang, driver] of Object.entries(DRIVERS)) {
  test(`${lang}: a driver that sets AddDevice and creates no device runs under PnP by default; remove is QUERY_REMOVE then REMOVE, then DriverUnload`, async () => {
    const { outcome, printed, lines } = await run(driver);
    assert.equal(outcome.bugCheck, null);
    assert.equal(outcome.hang, null);
    assert.deepEqual(printed, ['DriverEntry', 'AddDevice', ...START, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE', 'DriverUnload']);
    assert.ok(outcome.pnp, 'the run used the PnP manager');
    assert.equal(outcome.pnp.instancePath, 'ROOT\\SYSTEM\\0000');
    assert.deepEqual(outcome.pnp.hardwareIds, ['Root\\PnpFunction']);
    assert.equal(outcome.pnp.addDevice, STATUS.SUCCESS);
    assert.deepEqual(
      outcome.pnp.irps.map((i) => [i.name, hex(i.status)]),
      [...START, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE'].map((n) => [n, hex(statusOf(n))]),
    );
    assert.equal(outcome.pnp.state, 'DeviceNodeDeleted');
    // The request went to the FDO by its name, at the top of the stack.
    assert.deepEqual(outcome.open, { name: '\\Device\\PnpFunction', status: STATUS.SUCCESS });
    assert.deepEqual(outcome.requests.map((r) => [hex(r.status), r.information]), [[hex(STATUS.SUCCESS), 4]]);
    assert.ok(lines.includes('AddDevice(ROOT\\SYSTEM\\0000, PDO \\Device\\00000001) -> STATUS_SUCCESS'), lines.join('\n'));
    // Nothing left: no leak, the driver unloaded, its FDO and the PDO deleted, the devnode and its key gone.
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
    const k = outcome.machine.kernel;
    assert.equal(k.ob.lookup('\\Device\\PnpFunction'), undefined);
    assert.equal(k.ob.lookup('\\Device\\00000001'), undefined);
    assert.deepEqual(k.pnp.devnodes(), []);
    assert.equal(k.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SYSTEM\\0000`), undefined);
  });

  test(`${lang}: --surprise-remove sends SURPRISE_REMOVAL, then REMOVE_DEVICE, no QUERY_REMOVE`, async () => {
    const { outcome, printed } = await run(driver, { removal: 'surprise-remove', hardwareId: 'Root\\Sample' });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(printed, ['DriverEntry', 'AddDevice', ...START, 'IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE', 'DriverUnload']);
    assert.deepEqual(outcome.pnp?.hardwareIds, ['Root\\Sample']);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: --stop-start is QUERY_STOP, STOP, then a new START before the requests`, async () => {
    const { outcome, printed } = await run(driver, { stopStart: true });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(printed, ['DriverEntry', 'AddDevice', ...START, 'IRP_MN_QUERY_STOP_DEVICE', 'IRP_MN_STOP_DEVICE', ...START, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE', 'DriverUnload']);
    assert.equal(hex(outcome.requests[0]!.status), hex(STATUS.SUCCESS));
  });
}

for (const [lang, driver] of Object.entries(DRIVERS)) {
  test(`${lang}: --sleep sends QUERY_POWER and SET_POWER for S3, then SET_POWER for S0, to the started stack; the run goes on`, async () => {
    const { outcome, lines } = await run(driver, { sleep: true });
    assert.equal(outcome.bugCheck, null);
    const power = lines.filter((l) => l.startsWith('IRP_MN_') && l.includes('_POWER'));
    assert.deepEqual(power, [
      'IRP_MN_QUERY_POWER (PowerSystemSleeping3) -> STATUS_SUCCESS',
      'IRP_MN_SET_POWER (PowerSystemSleeping3) -> STATUS_SUCCESS',
      'IRP_MN_SET_POWER (PowerSystemWorking) -> STATUS_SUCCESS',
    ]);
    assert.ok(lines.indexOf(power[2]!) < lines.findIndex((l) => l.startsWith('IOCTL')), 'before the requests');
    assert.equal(hex(outcome.requests[0]!.status), hex(STATUS.SUCCESS), 'the device serves requests after the wake');
    assert.deepEqual(outcome.leaks, []);
  });
}

test('pnp: false keeps the old run: the driver loads, has no device to open, and unloads', async () => {
  const { outcome, printed } = await run(DRIVERS.ts, { pnp: false, requests: [] });
  assert.equal(outcome.pnp, null);
  assert.deepEqual(printed, ['DriverEntry', 'DriverUnload']);
});

test('unload: false leaves the device in place: no removal IRPs, the devnode stays started', async () => {
  const { outcome, printed } = await run(DRIVERS.ts, { unload: false, shutdown: false });
  assert.deepEqual(printed, ['DriverEntry', 'AddDevice', ...START]);
  assert.equal(outcome.pnp?.state, 'DeviceNodeStarted');
});

test('a driver that keeps its FDO after REMOVE_DEVICE is not unloaded: Windows unloads a driver only after its last device', async () => {
  // Without I/O verification, which stops this driver when REMOVE_DEVICE returns (below).
  const { outcome, printed, lines } = await run(join(ROOT, 'test', 'fixtures', 'PnpKeepsDevice.ts'), { requests: [], verifierFlags: STANDARD_FLAGS & ~VF.IO_VERIFICATION });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(outcome.pnp?.irps.map((i) => i.name).slice(-2), ['IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE']);
  assert.ok(lines.includes('PnpKeepsDevice.sys still has 1 device object after IRP_MN_REMOVE_DEVICE: it stays loaded'), lines.join('\n'));
  assert.equal(outcome.unloaded, false);
  assert.ok(!printed.some((l) => l.includes('DriverUnload')), 'DriverUnload did not run');
  // The PDO stays too: the driver's device is still attached to it.
  assert.notEqual(outcome.machine.kernel.ob.lookup('\\Device\\00000001'), undefined);
});

test('under /standard, I/O verification stops the driver that keeps its FDO when REMOVE_DEVICE returns: 0xC9/0x21D', async () => {
  const { outcome } = await run(join(ROOT, 'test', 'fixtures', 'PnpKeepsDevice.ts'), { requests: [] });
  assert.equal(outcome.bugCheck?.code, 0xc9);
  assert.equal(outcome.bugCheck?.params[0], 0x21d, 'not detached (checked before not deleted)');
  assert.match(outcome.machine.kernel.describe(outcome.bugCheck!.params[1]!), /^PnpKeepsDevice!DispatchPnp\b/, 'Parameter 2 is the dispatch routine');
});
