/**
 * IoSetDevicePropertyData / IoGetDevicePropertyData on a PDO: a property set is read back with its type
 * and size (the size-then-data pattern, BUFFER_TOO_SMALL), per locale; DEVPROP_TYPE_EMPTY or no data
 * deletes it; an unknown one is OBJECT_NAME_NOT_FOUND with DEVPROP_TYPE_EMPTY; bad Flags are
 * INVALID_PARAMETER; a device object that is no PDO is bug check 0xCA / 2. IoOpenDeviceInterfaceRegistryKey
 * opens the interface's Device Parameters key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DEVICE_CLASSES_PATH, writeGuid } from '../../src/kernel/pnp/interfaces.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT, UNICODE_STRING } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const DEVPROP_TYPE_EMPTY = 0;
const DEVPROP_TYPE_UINT32 = 7;
const DEVPROP_TYPE_STRING = 0x12;
const FMTID = '{3A1B2C4D-0001-4E5F-8A9B-0C1D2E3F4A5B}';

function pdoOf(k: Kernel) {
  const { driver } = createDevice(k, 'Fn', 1);
  let fdo = 0;
  const addDevice = routine(k, 1, (drv, pdo) => {
    [, fdo] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo);
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Fn' });
  return { pdo: node.pdo, fdo, node };
}

function propKey(k: Kernel, pid: number): number {
  const key = scratch(k, 20);
  writeGuid(k, key, FMTID);
  k.as.setU32(key + 16, pid);
  return key;
}

test('set then get: the value, its type and size; too small a buffer says the size; per locale; EMPTY deletes', () => {
  const k = new Kernel();
  const { pdo } = pdoOf(k);
  const key = propKey(k, 2);
  const data = scratch(k, 4);
  k.as.setU32(data, 0xcafe);
  assert.equal(k.ddi.IoSetDevicePropertyData(pdo, key, 0, 1, DEVPROP_TYPE_UINT32, 4, data), STATUS.SUCCESS);
  const out = scratch(k, 8);
  const required = scratch(k, 4);
  const type = scratch(k, 4);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0, 0, 2, out, required, type), STATUS.BUFFER_TOO_SMALL);
  assert.equal(k.as.u32(required), 4);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0, 0, 8, out, required, type), STATUS.SUCCESS);
  assert.equal(k.as.u32(out), 0xcafe);
  assert.equal(k.as.u32(type), DEVPROP_TYPE_UINT32);
  // Another locale is another property.
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0x409, 0, 8, out, required, type), STATUS.OBJECT_NAME_NOT_FOUND);
  assert.equal(k.as.u32(type), DEVPROP_TYPE_EMPTY);
  // A string replaces the value, type and all.
  const text = scratch(k, 8);
  k.as.writeUtf16(text, 'ab\0');
  assert.equal(k.ddi.IoSetDevicePropertyData(pdo, key, 0, 0, DEVPROP_TYPE_STRING, 6, text), STATUS.SUCCESS);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0, 0, 8, out, required, type), STATUS.SUCCESS);
  assert.deepEqual([k.as.u32(required), k.as.u32(type), k.as.utf16(out, 2)], [6, DEVPROP_TYPE_STRING, 'ab']);
  assert.equal(k.ddi.IoSetDevicePropertyData(pdo, key, 0, 0, DEVPROP_TYPE_EMPTY, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0, 0, 8, out, required, type), STATUS.OBJECT_NAME_NOT_FOUND);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, propKey(k, 99), 0, 0, 8, out, required, type), STATUS.OBJECT_NAME_NOT_FOUND);
});

test('bad arguments: Flags, data missing for a size; a device object that is no PDO is 0xCA / 2', () => {
  const k = new Kernel();
  const { pdo, fdo } = pdoOf(k);
  const key = propKey(k, 3);
  const out = scratch(k, 8);
  assert.equal(k.ddi.IoGetDevicePropertyData(pdo, key, 0, 1, 8, out, out, out), STATUS.INVALID_PARAMETER, 'Get takes no Flags');
  assert.equal(k.ddi.IoSetDevicePropertyData(pdo, key, 0, 2, DEVPROP_TYPE_UINT32, 4, out), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.IoSetDevicePropertyData(pdo, key, 0, 0, DEVPROP_TYPE_UINT32, 4, 0), STATUS.INVALID_PARAMETER);
  assert.throws(
    () => k.ddi.IoGetDevicePropertyData(fdo, key, 0, 0, 8, out, out, out),
    (e: unknown) => e instanceof BugCheck && e.code === BUGCHECK.PNP_DETECTED_FATAL_ERROR && e.params[0] === 2 && e.params[1] === fdo,
  );
});

test('IoOpenDeviceInterfaceRegistryKey: the interface\'s Device Parameters key; a name that is no interface is OBJECT_NAME_NOT_FOUND', () => {
  const k = new Kernel();
  const { pdo, node } = pdoOf(k);
  const guid = scratch(k, 16);
  const CLASS = '{6C6A2B5E-0B61-4F3C-9D6A-1A2B3C4D5E6F}';
  writeGuid(k, guid, CLASS);
  const link = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.IoRegisterDeviceInterface(pdo, guid, 0, link), STATUS.SUCCESS);
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoOpenDeviceInterfaceRegistryKey(link, 0x20019, out), STATUS.SUCCESS);
  const key = k.cm.keyOfHandle(k.as.u32(out));
  assert.ok(typeof key !== 'number');
  const instance = node.instancePath.replace(/\\/g, '#');
  assert.equal(key.path, `${DEVICE_CLASSES_PATH}\\${CLASS}\\##?#${instance}#${CLASS}\\#\\Device Parameters`);
  assert.equal(k.ddi.ZwClose(k.as.u32(out)), STATUS.SUCCESS);
  const bogus = scratch(k, UNICODE_STRING.size);
  k.io.initUnicodeString(bogus, scratch(k, 64), '\\??\\NoSuchInterface');
  assert.equal(k.ddi.IoOpenDeviceInterfaceRegistryKey(bogus, 0x20019, out), STATUS.OBJECT_NAME_NOT_FOUND);
  assert.equal(k.as.u32(out), 0);
});
