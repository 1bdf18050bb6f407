/**
 * A bus driver and its children under dv run (the PnpBus sample with PnpChild as the children's
 * function driver, --child-driver): bus relations after the bus starts, each child's bring-up in order
 * (IDs, capabilities, text, bus information, resources, AddDevice, FILTER_RESOURCE_REQUIREMENTS,
 * START and the child's own QUERY_INTERFACE for the bus interface), removal children first, a child
 * unplugged (IoInvalidateDeviceRelations: SURPRISE_REMOVAL, REMOVE), a child that fails
 * (IoInvalidateDeviceState), an eject (IoRequestDeviceEject), children with no driver, and nothing
 * leaked by either driver under /standard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { ROOT, hex } from '../helpers.ts';

/** The samples in TypeScript and their C twins (committed wasm), and a C bus with the TS children's driver. */
const TS = { bus: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpBus.ts'), child: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpChild.ts') };
const C = { bus: join(ROOT, 'drivers', 'c', 'pnp', 'PnpBus', 'PnpBus.wasm'), child: join(ROOT, 'drivers', 'c', 'pnp', 'PnpChild', 'PnpChild.wasm') };
const PAIRS = { ts: TS, c: C, 'c bus, ts child': { bus: C.bus, child: TS.child } } as const;
const IOCTL = { UNPLUG: 0x2a2400, FAIL: 0x2a2404, EJECT: 0x2a2408 } as const;
const CHILD0 = 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&0';
const CHILD1 = 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&1';

/** A child's bring-up as its stack sees it, before its function driver is added. */
const IDENTIFY = [
  'IRP_MN_QUERY_ID (BusQueryDeviceID)',
  'IRP_MN_QUERY_CAPABILITIES',
  'IRP_MN_QUERY_ID (BusQueryInstanceID)',
  'IRP_MN_QUERY_ID (BusQueryHardwareIDs)',
  'IRP_MN_QUERY_ID (BusQueryCompatibleIDs)',
  'IRP_MN_QUERY_DEVICE_TEXT (DeviceTextDescription)',
  'IRP_MN_QUERY_DEVICE_TEXT (DeviceTextLocationInformation)',
  'IRP_MN_QUERY_BUS_INFORMATION',
  'IRP_MN_QUERY_RESOURCES',
  'IRP_MN_QUERY_RESOURCE_REQUIREMENTS',
];
const START = ['IRP_MN_START_DEVICE', 'IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations)'];
const CHILD_UP = [...IDENTIFY, 'IRP_MN_FILTER_RESOURCE_REQUIREMENTS', ...START];

async function run(pair: { bus: string; child: string }, extra: Partial<RunOptions> = {}, ioctls: readonly [number, number][] = []) {
  const printed: string[] = [];
  const lines: string[] = [];
  const outcome = await runDriver({
    driver: pair.bus,
    verifierFlags: STANDARD_FLAGS,
    childDrivers: [{ hardwareId: 'PnpBus\\PnpChild', driver: pair.child }],
    requests: ioctls.map(([code, index]) => ({ kind: 'ioctl' as const, code, input: Buffer.from([index, 0, 0, 0]), outputLength: 0 })),
    onDebugPrint: (l) => printed.push(l.trim()),
    onRequest: (l) => lines.push(l),
    ...extra,
  });
  const irps = (path: string) => outcome.pnp?.children.find((c) => c.instancePath === path)?.irps.map((i) => (i.detail ? `${i.name} (${i.detail})` : i.name));
  return { outcome, printed, lines, irps };
}

/** The PnP manager's lines about one device (its IRPs), in order. */
const linesOf = (lines: readonly string[], path: string) => lines.filter((l) => l.startsWith(`${path}: `)).map((l) => l.slice(path.length + 2).replace(/ -> .*/, ''));

for (const [lang, pair] of Object.entries(PAIRS)) {
  test(`${lang}: the bus starts, is asked for its relations, and each child comes up: IDs, AddDevice, FILTER_RESOURCE_REQUIREMENTS, START; removal goes children first`, async () => {
    const { outcome, printed, lines, irps } = await run(pair);
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(
      outcome.pnp!.irps.map((i) => (i.detail ? `${i.name} (${i.detail})` : i.name)),
      [...START, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE'],
    );
    assert.equal(hex(outcome.pnp!.irps[3]!.status), hex(STATUS.SUCCESS), 'the bus FDO answered BusRelations');
    assert.deepEqual(
      outcome.pnp!.children.map((c) => [c.instancePath, c.hardwareIds, c.service, c.state]),
      [
        [CHILD0, ['PnpBus\\PnpChild'], 'PnpChild', 'DeviceNodeDeleted'],
        [CHILD1, ['PnpBus\\PnpChild'], 'PnpChild', 'DeviceNodeDeleted'],
      ],
    );
    for (const path of [CHILD0, CHILD1]) assert.deepEqual(irps(path), [...CHILD_UP, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE']);
    // What each driver saw of child 0: the bus its PDO's IRPs (and the child driver's QUERY_INTERFACE
    // while START passes by), the child driver what reached its FDO, with its index once the interface told it.
    assert.deepEqual(
      printed.filter((l) => l.startsWith('PnpBus: child 0')).map((l) => l.slice('PnpBus: child 0: '.length)),
      [
        'IRP_MN_QUERY_ID',
        'IRP_MN_QUERY_CAPABILITIES',
        'IRP_MN_QUERY_ID',
        'IRP_MN_QUERY_ID',
        'IRP_MN_QUERY_ID',
        'IRP_MN_QUERY_DEVICE_TEXT',
        'IRP_MN_QUERY_DEVICE_TEXT',
        'IRP_MN_QUERY_BUS_INFORMATION',
        'IRP_MN_QUERY_RESOURCES',
        'IRP_MN_QUERY_RESOURCE_REQUIREMENTS',
        'IRP_MN_FILTER_RESOURCE_REQUIREMENTS',
        'IRP_MN_START_DEVICE',
        'IRP_MN_QUERY_INTERFACE',
        'IRP_MN_QUERY_CAPABILITIES',
        'IRP_MN_QUERY_PNP_DEVICE_STATE',
        'IRP_MN_QUERY_DEVICE_RELATIONS',
        'IRP_MN_QUERY_REMOVE_DEVICE',
        'IRP_MN_REMOVE_DEVICE',
      ],
    );
    assert.deepEqual(
      printed.filter((l) => l.startsWith('PnpChild')),
      [
        'PnpChild: DriverEntry',
        'PnpChild: AddDevice',
        'PnpChild: IRP_MN_FILTER_RESOURCE_REQUIREMENTS',
        'PnpChild: IRP_MN_START_DEVICE',
        'PnpChild 0: IRP_MN_QUERY_CAPABILITIES',
        'PnpChild 0: IRP_MN_QUERY_PNP_DEVICE_STATE',
        'PnpChild 0: IRP_MN_QUERY_DEVICE_RELATIONS',
        'PnpChild: AddDevice',
        'PnpChild: IRP_MN_FILTER_RESOURCE_REQUIREMENTS',
        'PnpChild: IRP_MN_START_DEVICE',
        'PnpChild 1: IRP_MN_QUERY_CAPABILITIES',
        'PnpChild 1: IRP_MN_QUERY_PNP_DEVICE_STATE',
        'PnpChild 1: IRP_MN_QUERY_DEVICE_RELATIONS',
        'PnpChild 0: IRP_MN_QUERY_REMOVE_DEVICE',
        'PnpChild 1: IRP_MN_QUERY_REMOVE_DEVICE',
        'PnpChild 0: IRP_MN_REMOVE_DEVICE',
        'PnpChild 1: IRP_MN_REMOVE_DEVICE',
        'PnpChild: DriverUnload',
      ],
    );
    // Children first: both children's QUERY_REMOVE before the bus's, their REMOVE before the bus's.
    const at = (s: string) => lines.indexOf(s);
    assert.ok(at(`${CHILD1}: IRP_MN_QUERY_REMOVE_DEVICE -> STATUS_SUCCESS`) < at('IRP_MN_QUERY_REMOVE_DEVICE -> STATUS_SUCCESS'));
    assert.ok(at(`${CHILD1}: IRP_MN_REMOVE_DEVICE -> STATUS_SUCCESS`) < at('IRP_MN_REMOVE_DEVICE -> STATUS_SUCCESS'));
    assert.ok(lines.includes(`AddDevice(${CHILD0}, PDO \\Device\\00000002) -> STATUS_SUCCESS`), 'the PDO got the next autogenerated name');
    // Nothing left: both drivers unloaded with no pool outstanding (the relations, IDs and text the bus
    // allocated were the PnP manager's to free), no device, no devnode, no Enum key.
    assert.equal(outcome.unloaded, true);
    assert.ok(printed.includes('PnpChild: DriverUnload'));
    assert.equal(outcome.leakCount, 0);
    const k = outcome.machine.kernel;
    assert.equal(outcome.machine.verifier!.driver('PnpChild')!.allocations.size, 0, 'the child driver leaked nothing');
    for (const name of ['\\Device\\PnpBus', '\\Device\\00000001', '\\Device\\00000002', '\\Device\\00000003']) assert.equal(k.ob.lookup(name), undefined, name);
    assert.deepEqual(k.pnp.devnodes(), []);
    assert.equal(k.cm.hive.lookup(`${ENUM_PATH}\\PNPBUS\\PNPCHILD\\1&4f266a5a&0&0`), undefined);
  });

  test(`${lang}: a child unplugged: IoInvalidateDeviceRelations re-queries the bus on a worker; the child missing from it is surprise-removed, and its PDO deleted`, async () => {
    const { outcome, lines, irps } = await run(pair, {}, [[IOCTL.UNPLUG, 1]]);
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(irps(CHILD1), [...CHILD_UP, 'IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
    assert.deepEqual(irps(CHILD0), [...CHILD_UP, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE'], 'the other child stays until the bus goes');
    assert.deepEqual(
      outcome.pnp!.irps.map((i) => i.name),
      ['IRP_MN_START_DEVICE', 'IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS', 'IRP_MN_QUERY_DEVICE_RELATIONS', 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE'],
    );
    // The second query came after the IOCTL returned to the bus driver (the worker ran it), before the run's line for it.
    const second = lines.lastIndexOf('IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations) -> STATUS_SUCCESS');
    assert.ok(second > lines.indexOf(`${CHILD1}: IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations) -> STATUS_NOT_SUPPORTED`));
    assert.ok(lines.indexOf(`${CHILD1}: IRP_MN_REMOVE_DEVICE -> STATUS_SUCCESS`) < lines.indexOf('IOCTL 0x002a2400 -> STATUS_SUCCESS, 0 bytes'));
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: a child that reports PNP_DEVICE_FAILED (IoInvalidateDeviceState): QUERY_PNP_DEVICE_STATE, SURPRISE_REMOVAL, REMOVE; its devnode waits for the bus`, async () => {
    const { outcome, irps, lines } = await run(pair, {}, [[IOCTL.FAIL, 0]]);
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(irps(CHILD0), [...CHILD_UP, 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
    assert.equal(outcome.pnp!.children[0]!.irps.at(-3)!.information & 0x4, 0x4, 'PNP_DEVICE_FAILED in the answer');
    // The removed child gets nothing more when the bus goes: only child 1 is asked.
    assert.deepEqual(linesOf(lines, CHILD0).slice(-1), ['IRP_MN_REMOVE_DEVICE']);
    assert.deepEqual(irps(CHILD1)!.slice(-2), ['IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE']);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: IoRequestDeviceEject: QUERY_REMOVE, REMOVE, then IRP_MN_EJECT to the PDO; the bus drops the child and gets a second REMOVE to delete it`, async () => {
    const { outcome, irps } = await run(pair, { removal: 'surprise-remove' }, [[IOCTL.EJECT, 0]]);
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(irps(CHILD0), [...CHILD_UP, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE', 'IRP_MN_EJECT', 'IRP_MN_REMOVE_DEVICE']);
    // The bus's surprise removal reaches the remaining child first.
    assert.deepEqual(irps(CHILD1)!.slice(-2), ['IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
    assert.deepEqual(outcome.pnp!.irps.map((i) => i.name).slice(-2), ['IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: children with no driver for their IDs are identified and stay without one: no AddDevice, no START; the bus still unloads clean`, async () => {
    const { outcome, irps, printed } = await run(pair, { childDrivers: [] });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(irps(CHILD0), [...IDENTIFY, 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE']);
    assert.equal(outcome.pnp!.children[0]!.service, '');
    assert.ok(!printed.some((l) => l.startsWith('PnpChild')));
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: a compatible ID finds the driver when no hardware ID does`, async () => {
    const { outcome } = await run(pair, { childDrivers: [{ hardwareId: 'pnpbus\\generic', driver: pair.child }] });
    assert.deepEqual(outcome.pnp!.children.map((c) => c.service), ['PnpChild', 'PnpChild']);
  });
}
