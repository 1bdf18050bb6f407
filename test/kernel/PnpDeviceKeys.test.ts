/**
 * IoOpenDeviceRegistryKey through a PDO the PnP manager enumerated: PLUGPLAY_REGKEY_DEVICE is the
 * devnode's Enum\<instance>\Device Parameters, PLUGPLAY_REGKEY_DRIVER its software key under
 * Control\Class (named by the Enum key's Driver value, created on first use and the same after), and
 * CURRENT_HWPROFILE the same below Hardware Profiles\Current. An FDO is no PDO: INVALID_DEVICE_REQUEST.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf16Text } from '../../src/kernel/cm/hive.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { PLUGPLAY_REGKEY } from '../../src/nt/registry.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const CCS = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet';
const KEY_READ = 0x20019;

function device(k: Kernel) {
  const { driver } = createDevice(k, 'Fn', 1);
  let fdo = 0;
  const addDevice = routine(k, 1, (drv, pdo) => {
    [, fdo] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo);
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Fn' });
  return { node, fdo };
}

function open(k: Kernel, dev: number, type: number): { status: number; path?: string } {
  const out = scratch(k, 4);
  const status = k.ddi.IoOpenDeviceRegistryKey(dev, type, KEY_READ, out);
  if (status !== STATUS.SUCCESS) return { status };
  const key = k.cm.keyOfHandle(k.as.u32(out));
  assert.ok(typeof key !== 'number');
  assert.equal(k.ddi.ZwClose(k.as.u32(out)), STATUS.SUCCESS);
  return { status, path: key.path };
}

test('DEVICE: the devnode\'s Device Parameters key; DRIVER: its software key, named in the Enum key\'s Driver value', () => {
  const k = new Kernel();
  const { node, fdo } = device(k);
  assert.deepEqual(open(k, node.pdo, PLUGPLAY_REGKEY.DEVICE), { status: STATUS.SUCCESS, path: `${ENUM_PATH}\\ROOT\\SYSTEM\\0000\\Device Parameters` });
  const system = '{4d36e97d-e325-11ce-bfc1-08002be10318}';
  assert.deepEqual(open(k, node.pdo, PLUGPLAY_REGKEY.DRIVER), { status: STATUS.SUCCESS, path: `${CCS}\\Control\\Class\\${system}\\0000` });
  assert.equal(utf16Text(k.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SYSTEM\\0000`)!.value('Driver')!.data), `${system}\\0000`);
  assert.equal(open(k, node.pdo, PLUGPLAY_REGKEY.DRIVER).path, `${CCS}\\Control\\Class\\${system}\\0000`, 'the same key the second time');
  assert.equal(
    open(k, node.pdo, PLUGPLAY_REGKEY.DEVICE | PLUGPLAY_REGKEY.CURRENT_HWPROFILE).path,
    `${CCS}\\Hardware Profiles\\Current\\System\\CurrentControlSet\\Enum\\ROOT\\SYSTEM\\0000\\Device Parameters`,
  );
  assert.equal(open(k, fdo, PLUGPLAY_REGKEY.DEVICE).status, STATUS.INVALID_DEVICE_REQUEST, 'an FDO has no device keys');
  assert.equal(open(k, node.pdo, PLUGPLAY_REGKEY.DEVICE | PLUGPLAY_REGKEY.DRIVER).status, STATUS.INVALID_PARAMETER);
});

test('a second device of the class gets the next software key', () => {
  const k = new Kernel();
  const a = device(k);
  open(k, a.node.pdo, PLUGPLAY_REGKEY.DRIVER);
  const { node } = k.pnp.createRootDevice({ driverObject: k.io.driverOf(a.fdo), service: 'Fn' });
  assert.match(open(k, node.pdo, PLUGPLAY_REGKEY.DRIVER).path!, /\\Control\\Class\\\{4d36e97d-e325-11ce-bfc1-08002be10318\}\\0001$/);
});
