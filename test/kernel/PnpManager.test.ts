/**
 * The PnP manager at the kernel's level: root-enumerated devnodes (instance path, Enum key, PDO), the
 * root PDO's answers (state changes succeed, QUERY_CAPABILITIES defaults, TargetDeviceRelation, an IRP
 * nobody handles comes back STATUS_NOT_SUPPORTED), the initial status of PnP IRPs, a vetoed
 * QUERY_REMOVE, and an AddDevice that fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { multiSzStrings, utf16Text } from '../../src/kernel/cm/hive.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { DO, IRP_MJ } from '../../src/nt/io.ts';
import { DEVICE_CAPABILITIES, DEVICE_OBJECT, DEVICE_RELATIONS, DRIVER_EXTENSION, DRIVER_OBJECT, IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { BUS_QUERY_ID_TYPE, CAPABILITY_BIT, DEVICE_RELATION_TYPE, IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, routine } from './support.ts';

const S = IO_STACK_LOCATION.off;
const I = IRP.off;
const CAPS = DEVICE_CAPABILITIES.off;

interface Seen {
  readonly minor: number;
  readonly initialStatus: number;
  /** QUERY_CAPABILITIES: Size, Version, Address, UINumber as the driver received them. */
  readonly caps?: readonly number[];
}

/**
 * A function driver: AddDevice attaches a device above the PDO; its PnP dispatch records what it
 * sees and passes every IRP down, failing QUERY_REMOVE when `veto` is set.
 */
function functionDriver(k: Kernel, opts: { veto?: boolean; failAddDevice?: boolean } = {}) {
  const seen: Seen[] = [];
  const dispatch = routine(k, 1, (dev, irp) => {
    const minor = k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + S.MinorFunction);
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    const c = minor === IRP_MN_PNP.QUERY_CAPABILITIES ? k.as.u32(sp + S['Parameters.DeviceCapabilities.Capabilities']) : 0;
    const caps = c ? [k.as.u16(c + CAPS.Size), k.as.u16(c + CAPS.Version), k.as.u32(c + CAPS.Address), k.as.u32(c + CAPS.UINumber)] : undefined;
    seen.push({ minor, initialStatus: k.as.u32(irp + I['IoStatus.Status']), caps });
    if (minor === IRP_MN_PNP.QUERY_REMOVE_DEVICE && opts.veto) {
      k.as.setU32(irp + I['IoStatus.Status'], STATUS.UNSUCCESSFUL);
      k.ddi.IoCompleteRequest(irp, 0);
      return STATUS.UNSUCCESSFUL;
    }
    IoSkipCurrentIrpStackLocation(k.as, irp);
    return k.ddi.IoCallDriver(lower.get(dev)!, irp);
  });
  const { driver } = createDevice(k, 'Function', 1, { [IRP_MJ.PNP]: dispatch });
  const lower = new Map<number, number>();
  const addDevice = routine(k, 2, (drv, pdo) => {
    if (opts.failAddDevice) return STATUS.INSUFFICIENT_RESOURCES;
    const [status, fdo] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    assert.equal(status, STATUS.SUCCESS);
    lower.set(fdo, k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo));
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  return { driver, seen };
}

test('a root-enumerated device: instance path, Enum key, a PDO owned by \\Driver\\PnpManager, AddDevice with it', () => {
  const k = new Kernel();
  const { driver } = functionDriver(k);
  const { node, status } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function', hardwareIds: ['Root\\Function', 'Root\\Other'] });
  assert.equal(status, STATUS.SUCCESS);
  assert.equal(node.instancePath, 'ROOT\\SYSTEM\\0000');
  assert.equal(node.state, 'DeviceNodeDriversAdded');
  assert.equal(k.pnp.devnodes()[0], node);
  const key = k.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SYSTEM\\0000`)!;
  assert.deepEqual(multiSzStrings(key.value('HardwareID')!.data), ['Root\\Function', 'Root\\Other']);
  assert.equal(utf16Text(key.value('Service')!.data), 'Function');
  assert.equal(utf16Text(key.value('Class')!.data), 'System');
  const pdo = node.pdo;
  assert.equal(k.io.deviceName(pdo), '\\Device\\00000001');
  assert.equal(k.io.drivers.get(k.io.driverOf(pdo))!.name, 'PnpManager');
  const flags = k.as.u32(pdo + DEVICE_OBJECT.off.Flags);
  assert.ok(flags & DO.BUS_ENUMERATED_DEVICE);
  assert.equal(flags & DO.DEVICE_INITIALIZING, 0);
  const fdo = k.io.topOfStack(pdo);
  assert.notEqual(fdo, pdo, 'AddDevice attached a device above the PDO');
  assert.equal(k.as.u8(fdo + DEVICE_OBJECT.off.StackSize), 2);
  // A second device gets the next instance and the next PDO number.
  const second = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  assert.equal(second.node.instancePath, 'ROOT\\SYSTEM\\0001');
  assert.equal(k.io.deviceName(second.node.pdo), '\\Device\\00000002');
});

test('PnP IRPs start with STATUS_NOT_SUPPORTED; the root PDO completes state changes with success and leaves others as they came', () => {
  const k = new Kernel();
  const { driver, seen } = functionDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  assert.equal(k.pnp.start(node), STATUS.SUCCESS);
  assert.equal(node.state, 'DeviceNodeStarted');
  assert.deepEqual(
    seen.map((s) => [s.minor, hex(s.initialStatus)]),
    [IRP_MN_PNP.START_DEVICE, IRP_MN_PNP.QUERY_CAPABILITIES, IRP_MN_PNP.QUERY_PNP_DEVICE_STATE, IRP_MN_PNP.QUERY_DEVICE_RELATIONS].map((m) => [m, hex(STATUS.NOT_SUPPORTED)]),
  );
  assert.deepEqual(k.pnp.irpLog.get(node)!.at(-1), { minor: IRP_MN_PNP.QUERY_DEVICE_RELATIONS, name: 'IRP_MN_QUERY_DEVICE_RELATIONS', detail: 'BusRelations', status: STATUS.NOT_SUPPORTED, information: 0 }, 'a started device is asked for its bus relations');
  const bus = k.pnp.send(node, IRP_MN_PNP.QUERY_DEVICE_RELATIONS, (sp) => k.as.setU32(sp + S['Parameters.QueryDeviceRelations.Type'], DEVICE_RELATION_TYPE.BusRelations));
  assert.equal(hex(bus.status), hex(STATUS.NOT_SUPPORTED), 'nobody answered BusRelations: a root device has no children');
});

test('QUERY_ID: the root PDO answers the device, instance and hardware IDs from its devnode, in paged pool the caller frees', () => {
  const k = new Kernel();
  const { driver } = functionDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function', hardwareIds: ['Root\\Function', 'Root\\Other'] });
  const queryId = (type: number) => k.pnp.send(node, IRP_MN_PNP.QUERY_ID, (sp) => k.as.setU32(sp + S['Parameters.QueryId.IdType'], type));
  const text = (r: { information: number }, chars: number) => {
    const s = k.as.utf16(r.information, chars);
    k.ddi.ExFreePool(r.information);
    return s;
  };
  const device = queryId(BUS_QUERY_ID_TYPE.BusQueryDeviceID);
  assert.equal(device.status, STATUS.SUCCESS);
  assert.equal(text(device, 12), 'ROOT\\SYSTEM\0');
  assert.equal(text(queryId(BUS_QUERY_ID_TYPE.BusQueryInstanceID), 5), '0000\0');
  assert.equal(text(queryId(BUS_QUERY_ID_TYPE.BusQueryHardwareIDs), 26), 'Root\\Function\0Root\\Other\0\0');
  // No compatible IDs, no container ID: the IRP comes back as it was sent.
  assert.equal(hex(queryId(BUS_QUERY_ID_TYPE.BusQueryCompatibleIDs).status), hex(STATUS.NOT_SUPPORTED));
  assert.equal(hex(queryId(BUS_QUERY_ID_TYPE.BusQueryContainerID).status), hex(STATUS.NOT_SUPPORTED));
});

test('QUERY_CAPABILITIES: the sender initialises Size, Version, Address and UINumber; the root PDO sets SurpriseRemovalOK and D0 in S0', () => {
  const k = new Kernel();
  const { driver, seen } = functionDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  const { status, bits } = k.pnp.queryCapabilities(node);
  assert.equal(status, STATUS.SUCCESS);
  assert.deepEqual(seen[0]!.caps, [DEVICE_CAPABILITIES.size, 1, 0xffffffff, 0xffffffff], 'what the function driver received');
  assert.ok(bits & (1 << CAPABILITY_BIT.SurpriseRemovalOK));
  assert.equal(bits & (1 << CAPABILITY_BIT.Removable), 0, 'a root device is not removable hardware');
  // Send one more by hand to read what the PDO filled in.
  const caps = k.ddi.ExAllocatePoolWithTag(0, DEVICE_CAPABILITIES.size, 0x74736554);
  k.as.zero(caps, DEVICE_CAPABILITIES.size);
  k.pnp.send(node, IRP_MN_PNP.QUERY_CAPABILITIES, (sp) => k.as.setU32(sp + S['Parameters.DeviceCapabilities.Capabilities'], caps));
  const states = [1, 2, 3, 6].map((s) => k.as.u32(caps + CAPS.DeviceState + 4 * s));
  assert.deepEqual(states, [1, 4, 4, 4], 'PowerDeviceD0 in PowerSystemWorking, D3 when asleep or off');
});

test('TargetDeviceRelation: the PDO answers with itself, referenced', () => {
  const k = new Kernel();
  const { driver } = functionDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  const refs = k.ob.referenceCount(node.pdo)!;
  const r = k.pnp.send(node, IRP_MN_PNP.QUERY_DEVICE_RELATIONS, (sp) => k.as.setU32(sp + S['Parameters.QueryDeviceRelations.Type'], DEVICE_RELATION_TYPE.TargetDeviceRelation));
  assert.equal(r.status, STATUS.SUCCESS);
  assert.equal(k.as.u32(r.information + DEVICE_RELATIONS.off.Count), 1);
  assert.equal(hex(k.as.u32(r.information + DEVICE_RELATIONS.off.Objects)), hex(node.pdo));
  assert.equal(k.ob.referenceCount(node.pdo), refs + 1);
});

test('a vetoed QUERY_REMOVE is followed by CANCEL_REMOVE and the device stays started', () => {
  const k = new Kernel();
  const { driver, seen } = functionDriver(k, { veto: true });
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  k.pnp.start(node);
  seen.length = 0;
  assert.equal(k.pnp.remove(node), STATUS.UNSUCCESSFUL);
  assert.deepEqual(seen.map((s) => s.minor), [IRP_MN_PNP.QUERY_REMOVE_DEVICE, IRP_MN_PNP.CANCEL_REMOVE_DEVICE]);
  assert.equal(node.state, 'DeviceNodeStarted');
  assert.equal(k.pnp.devnodes().length, 1);
});

test('an AddDevice that fails: the PDO is deleted and the devnode leaves the tree', () => {
  const k = new Kernel();
  const { driver } = functionDriver(k, { failAddDevice: true });
  const { node, status } = k.pnp.createRootDevice({ driverObject: driver, service: 'Function' });
  assert.equal(status, STATUS.INSUFFICIENT_RESOURCES);
  assert.equal(node.state, 'DeviceNodeDeleted');
  assert.deepEqual(k.pnp.devnodes(), []);
  assert.equal(k.ob.lookup('\\Device\\00000001'), undefined);
  assert.equal(k.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SYSTEM\\0000`), undefined);
});

test('a driver without AddDevice cannot have a device added', () => {
  const k = new Kernel();
  const { driver } = createDevice(k, 'Legacy', 1);
  assert.throws(() => k.pnp.createRootDevice({ driverObject: driver, service: 'Legacy' }), /no AddDevice routine/);
});
