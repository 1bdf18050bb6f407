/**
 * IoGetDeviceProperty through a root-enumerated device's PDO: the IDs, class, PDO name, enumerator,
 * install state and removal policy from its devnode; the two-call pattern (size, then data); a
 * property the device has no value for; and a device object that is not a PDO (0xCA / 2).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { DEVICE_PROPERTY } from '../../src/nt/device-property.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { TAG, createDevice, expectBugCheck, hex, routine } from './support.ts';

function rootDevice() {
  const k = new Kernel();
  // A function driver whose AddDevice adds nothing: only the PDO is asked about.
  const { driver: driverObject, device: fdo } = createDevice(k, 'PropTest', 1);
  const addDevice = routine(k, 1, () => STATUS.SUCCESS);
  k.as.setU32(k.as.u32(driverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  const { node } = k.pnp.createRootDevice({ driverObject, service: 'PropTest', hardwareIds: ['Root\\PropTest'] });
  const buffer = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x200, TAG);
  const length = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 4, TAG);
  const get = (property: number, size = 0x200) => k.ddi.IoGetDeviceProperty(node.pdo, property, size, buffer, length);
  return { k, node, buffer, length, get, fdo };
}

test('HardwareID is a REG_MULTI_SZ: asked with no room, STATUS_BUFFER_TOO_SMALL and the size; then the strings', () => {
  const { k, get, buffer, length } = rootDevice();
  assert.equal(hex(get(DEVICE_PROPERTY.HardwareID, 0)), hex(STATUS.BUFFER_TOO_SMALL));
  const size = k.as.u32(length);
  assert.equal(size, ('Root\\PropTest'.length + 2) * 2, 'the string, its NUL and the list\'s final NUL');
  assert.equal(hex(get(DEVICE_PROPERTY.HardwareID, size)), hex(STATUS.SUCCESS));
  assert.equal(k.as.utf16(buffer, size / 2), 'Root\\PropTest\0\0');
});

test('the class, the PDO name and the enumerator are strings; install state and removal policy ULONGs', () => {
  const { k, node, get, buffer } = rootDevice();
  const text = () => {
    let s = '';
    for (let i = 0; k.as.u16(buffer + 2 * i) !== 0; i++) s += String.fromCharCode(k.as.u16(buffer + 2 * i));
    return s;
  };
  assert.equal(get(DEVICE_PROPERTY.ClassName), STATUS.SUCCESS);
  assert.equal(text(), node.deviceClass);
  assert.equal(get(DEVICE_PROPERTY.PhysicalDeviceObjectName), STATUS.SUCCESS);
  assert.equal(text(), k.io.deviceName(node.pdo));
  assert.equal(get(DEVICE_PROPERTY.EnumeratorName), STATUS.SUCCESS);
  assert.equal(text(), 'ROOT');
  assert.equal(get(DEVICE_PROPERTY.InstallState), STATUS.SUCCESS);
  assert.equal(k.as.u32(buffer), 0, 'InstallStateInstalled');
  assert.equal(get(DEVICE_PROPERTY.RemovalPolicy), STATUS.SUCCESS);
  assert.equal(k.as.u32(buffer), 1, 'RemovalPolicyExpectNoRemoval');
});

test('a property the device has no value for is STATUS_OBJECT_NAME_NOT_FOUND; one that does not exist, STATUS_INVALID_PARAMETER_2', () => {
  const { get } = rootDevice();
  assert.equal(hex(get(DEVICE_PROPERTY.FriendlyName)), hex(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(hex(get(DEVICE_PROPERTY.DeviceDescription)), hex(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(hex(get(0x40)), hex(STATUS.INVALID_PARAMETER_2));
});

test('a device object that is not a PDO: bug check 0xCA PNP_DETECTED_FATAL_ERROR, Parameter 1 = 2, Parameter 2 = the device', () => {
  const { k, fdo, buffer, length } = rootDevice();
  expectBugCheck(() => k.ddi.IoGetDeviceProperty(fdo, DEVICE_PROPERTY.HardwareID, 0x200, buffer, length), BUGCHECK.PNP_DETECTED_FATAL_ERROR, [2, fdo, 0, 0]);
});
