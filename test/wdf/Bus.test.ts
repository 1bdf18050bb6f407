/**
 * The framework's bus-driver side, with our KmdfBus sample (drivers/c/kmdf/KmdfBus) and KmdfBusChild
 * as its children's function driver: a static child (WdfFdoAddStaticChild) and a dynamic one (the
 * default child list) come up with the IDs, text and bus information the framework answers for their
 * PDOs, and a child a second list (WdfChildListCreate) reports from its EvtChildListScanForChildren at
 * every enumeration; each child's driver gets the bus interface from its PDO (WdfFdoQueryForInterface,
 * WdfDeviceAddQueryInterface); IOCTLs sent to a child go down to its PDO and on to the bus's queue
 * (WdfRequestForwardToParentDeviceIoQueue); children are plugged, unplugged (surprise removal),
 * ejected and marked missing; the bus's removal (orderly or surprise) takes its children with it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { ROOT, hex } from '../helpers.ts';
import type { Machine } from '../../src/system/machine.ts';

const STALE = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfBusStaleChild', 'KmdfBusStaleChild.wasm');
const BUS = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfBus', 'KmdfBus.wasm');
const CHILD = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfBusChild', 'KmdfBusChild.wasm');
const CHILD_INTERFACE = '{C2A95F04-6D3B-4A81-9E07-5B1F8C2D7A36}';
const IOCTL = { COUNT: 0x2a2400, PLUG: 0x2a2404, UNPLUG: 0x2a2408, EJECT: 0x2a240c, UNPLUG_STATIC: 0x2a2410 } as const;
const PREFIX = '1&4f266a5a&0';
const STATIC = `KmdfBus\\StaticChild\\${PREFIX}&0`;
const dynamic = (n: number) => `KmdfBus\\DynamicChild\\${PREFIX}&${n}`;

/** What the PnP manager asks a new child before its driver is added: each answered by the framework for the PDO. */
const IDENTIFY = [
  'IRP_MN_QUERY_ID (BusQueryDeviceID) 0x0',
  'IRP_MN_QUERY_CAPABILITIES 0x0',
  'IRP_MN_QUERY_ID (BusQueryInstanceID) 0x0',
  'IRP_MN_QUERY_ID (BusQueryHardwareIDs) 0x0',
  'IRP_MN_QUERY_ID (BusQueryCompatibleIDs) 0x0',
  'IRP_MN_QUERY_DEVICE_TEXT (DeviceTextDescription) 0x0',
  'IRP_MN_QUERY_DEVICE_TEXT (DeviceTextLocationInformation) 0x0',
  'IRP_MN_QUERY_BUS_INFORMATION 0x0',
  // No resources: the PDO completes them as they came.
  `IRP_MN_QUERY_RESOURCES ${hex(STATUS.NOT_SUPPORTED)}`,
  `IRP_MN_QUERY_RESOURCE_REQUIREMENTS ${hex(STATUS.NOT_SUPPORTED)}`,
  `IRP_MN_FILTER_RESOURCE_REQUIREMENTS ${hex(STATUS.NOT_SUPPORTED)}`,
  'IRP_MN_START_DEVICE 0x0',
  'IRP_MN_QUERY_CAPABILITIES 0x0',
  // The child's framework device answers it (device-state.ts: nobody below answering is an empty state).
  'IRP_MN_QUERY_PNP_DEVICE_STATE 0x0',
  `IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations) ${hex(STATUS.NOT_SUPPORTED)}`,
];

const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const ioctl = (code: number, input: Buffer = Buffer.alloc(0), outputLength = 0) => ({ kind: 'ioctl' as const, code, input, outputLength });

async function run(extra: Partial<RunOptions> = {}, driver = BUS) {
  const printed: string[] = [];
  const outcome = await runDriver({
    verifierFlags: STANDARD_FLAGS,
    driver,
    childDrivers: [{ hardwareId: 'KmdfBus\\Child', driver: CHILD }],
    onDebugPrint: (l) => printed.push(l.trim()),
    ...extra,
  });
  const irps = (path: string) => outcome.pnp?.children.find((c) => c.instancePath === path)?.irps.map((i) => `${i.name}${i.detail ? ` (${i.detail})` : ''} ${hex(i.status)}`);
  return { outcome, printed, irps };
}

test('KmdfBus: the static child and dynamic child 1 come up under KmdfBusChild, learn their serials through the bus interface, and go with the bus', async () => {
  let values: Record<string, string> = {};
  let machine: Machine | undefined;
  const { outcome, printed, irps } = await run({
    configure: (m) => (machine = m),
    // The PDO's answers, as the PnP manager recorded them in the static child's Enum key once its driver was added.
    onStep: (line) => {
      if (!line.startsWith(`AddDevice(${STATIC},`)) return;
      const hive = machine!.kernel.cm.hive;
      const key = hive.lookup(`${ENUM_PATH}\\${STATIC}`)!;
      values = Object.fromEntries(['HardwareID', 'CompatibleIDs', 'DeviceDesc', 'LocationInformation'].map((v) => [v, Buffer.from(key.value(v)!.data).toString('utf16le').replace(/\0+$/, '').replaceAll('\0', '|')]));
    },
  });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(
    outcome.pnp!.children.map((c) => [c.instancePath, c.hardwareIds, c.service, c.state]),
    [
      [dynamic(1), ['KmdfBus\\DynamicChild'], 'KmdfBusChild', 'DeviceNodeDeleted'],
      [dynamic(7), ['KmdfBus\\DynamicChild'], 'KmdfBusChild', 'DeviceNodeDeleted'],
      [STATIC, ['KmdfBus\\StaticChild'], 'KmdfBusChild', 'DeviceNodeDeleted'],
    ],
  );
  for (const path of [dynamic(1), dynamic(7), STATIC]) assert.deepEqual(irps(path), [...IDENTIFY, 'IRP_MN_QUERY_REMOVE_DEVICE 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.deepEqual(values, { HardwareID: 'KmdfBus\\StaticChild', CompatibleIDs: 'KmdfBus\\Child', DeviceDesc: 'KmdfBus child', LocationInformation: 'KmdfBus slot' });
  // The bus's own stack: its BusRelations answered with both PDOs.
  assert.equal(outcome.pnp!.irps.find((i) => i.name === 'IRP_MN_QUERY_DEVICE_RELATIONS')?.status, STATUS.SUCCESS);
  assert.deepEqual(
    printed.filter((l) => l.startsWith('KmdfBus')),
    // The lists' new PDOs are made while the bus answers BusRelations, before the PnP manager starts any child.
    ['KmdfBus: creating the PDO of child 1', 'KmdfBus: creating the PDO of child 7', 'KmdfBusChild: child 1 prepared', 'KmdfBusChild: child 7 prepared', 'KmdfBusChild: child 0 prepared'],
  );
  // Every PDO was deleted with the bus (no device left), both drivers unloaded, nothing leaked.
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
});

test('KmdfBus: IOCTLs through a child reach the bus; children are plugged, unplugged, ejected and marked missing', async () => {
  const { outcome, printed, irps } = await run({
    openInterface: CHILD_INTERFACE,
    requests: [
      ioctl(IOCTL.COUNT, undefined, 4),
      ioctl(IOCTL.PLUG, u32(2)),
      ioctl(IOCTL.PLUG, u32(2)),
      ioctl(IOCTL.COUNT, undefined, 4),
      ioctl(IOCTL.UNPLUG, u32(2)),
      ioctl(IOCTL.UNPLUG, u32(2)),
      ioctl(IOCTL.PLUG, u32(3)),
      ioctl(IOCTL.EJECT, u32(3)),
      ioctl(IOCTL.EJECT, u32(3)),
      ioctl(IOCTL.UNPLUG_STATIC),
      ioctl(IOCTL.UNPLUG_STATIC),
      ioctl(IOCTL.COUNT, undefined, 4),
    ],
  });
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.hang, null);
  assert.deepEqual(
    outcome.requests.map((q) => [hex(q.status), Buffer.from(q.output).toString('hex')]),
    [
      ['0x0', '02000000'],
      ['0x0', ''],
      // A description already there: STATUS_OBJECT_NAME_EXISTS (a success).
      [hex(STATUS.OBJECT_NAME_EXISTS), ''],
      ['0x0', '03000000'],
      ['0x0', ''],
      [hex(STATUS.NO_SUCH_DEVICE), ''],
      ['0x0', ''],
      ['0x0', ''],
      // Ejected: no longer there to eject (WdfChildListRequestChildEject returns FALSE).
      [hex(STATUS.NO_SUCH_DEVICE), ''],
      ['0x0', ''],
      [hex(STATUS.NO_SUCH_DEVICE), ''],
      ['0x0', '01000000'],
    ],
  );
  // Plugged: no PDO until the PnP manager asks for the relations (WdfChildListRetrievePdo: NotYetCreated = 2).
  assert.ok(printed.includes('KmdfBus: child 2 plugged (0x0), PDO status 2'), printed.join('\n'));
  // Unplugged: the child's stack is surprise-removed, and its PDO deleted on REMOVE_DEVICE.
  assert.deepEqual(irps(dynamic(2))!.slice(IDENTIFY.length), ['IRP_MN_SURPRISE_REMOVAL 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.ok(printed.includes('KmdfBusChild: child 2 surprise-removed'));
  // Ejected: query-removed and removed (the PDO stays: still listed), IRP_MN_EJECT (EvtDeviceEject), then gone from the relations.
  assert.deepEqual(irps(dynamic(3))!.slice(IDENTIFY.length), ['IRP_MN_QUERY_REMOVE_DEVICE 0x0', 'IRP_MN_REMOVE_DEVICE 0x0', 'IRP_MN_EJECT 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.ok(printed.includes('KmdfBus: child 3 ejected'));
  // The static child marked missing (WdfPdoMarkMissing).
  assert.deepEqual(irps(STATIC)!.slice(IDENTIFY.length), ['IRP_MN_SURPRISE_REMOVAL 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  // The child the run had open stays to the end, then goes with the bus.
  assert.deepEqual(irps(dynamic(1))!.slice(IDENTIFY.length), ['IRP_MN_QUERY_REMOVE_DEVICE 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  // The scanned child was reported again at each of those enumerations: it stays until the bus goes, its PDO made once.
  assert.deepEqual(irps(dynamic(7))!.slice(IDENTIFY.length), ['IRP_MN_QUERY_REMOVE_DEVICE 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.equal(printed.filter((l) => l === 'KmdfBus: creating the PDO of child 7').length, 1);
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
});

test('KmdfBus: a system sleep and wake with children: the children\'s function drivers own their power policy, the PDOs follow the D-IRPs', async () => {
  const lines: string[] = [];
  const { outcome, printed } = await run({ sleep: true, onRequest: (l) => lines.push(l) });
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.hang, null);
  assert.ok(lines.includes('IRP_MN_SET_POWER (PowerSystemWorking) -> STATUS_SUCCESS'), lines.join('\n'));
  // Still up after the wake: no child was restarted (prepared once each).
  assert.deepEqual(printed.filter((l) => l.endsWith('prepared')), ['KmdfBusChild: child 1 prepared', 'KmdfBusChild: child 7 prepared', 'KmdfBusChild: child 0 prepared']);
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
});

test('KmdfBus: a surprise removal of the bus surprise-removes its children first; their PDOs go with it', async () => {
  const { outcome, irps } = await run({ removal: 'surprise-remove' });
  assert.equal(outcome.bugCheck, null);
  for (const path of [dynamic(1), dynamic(7), STATIC]) assert.deepEqual(irps(path)!.slice(IDENTIFY.length), ['IRP_MN_SURPRISE_REMOVAL 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
});

test('KmdfBusStaleChild: marking the static child missing again, after its PDO was deleted, is 0x10D/0x5 (an invalid WDFDEVICE handle) in the bus driver', async () => {
  const { outcome, irps } = await run({ openInterface: CHILD_INTERFACE, requests: [ioctl(IOCTL.UNPLUG_STATIC), ioctl(IOCTL.UNPLUG_STATIC)] }, STALE);
  assert.deepEqual(irps(STATIC)!.slice(IDENTIFY.length), ['IRP_MN_SURPRISE_REMOVAL 0x0', 'IRP_MN_REMOVE_DEVICE 0x0']);
  assert.equal(outcome.bugCheck?.name, 'WDF_VIOLATION');
  const [p1, , p3] = outcome.bugCheck!.params;
  assert.deepEqual([hex(p1!), hex(p3!)], ['0x5', '0x1002']);
  // Parameter 4: the bus driver's WDF_DRIVER_GLOBALS.
  assert.notEqual(outcome.bugCheck!.params[3], 0);
});
