/**
 * Filter drivers at the PnP manager's level: AddDevice in Windows' order (lower filters, the function
 * driver, upper filters, each attaching above the last), and a filter whose AddDevice fails: the
 * drivers already attached get IRP_MN_REMOVE_DEVICE, the PDO and the devnode go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { deviceStack } from '../../src/kernel/io/stack.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT, IO_STACK_LOCATION } from '../../src/nt/layout.ts';
import { pnpMinorName } from '../../src/nt/pnp.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine } from './support.ts';

let nextRoutine = 100;

/** A driver whose AddDevice attaches a device (or fails with `fail`) and whose PnP dispatch logs and passes down. */
function stackDriver(k: Kernel, name: string, log: string[], fail?: number) {
  const lower = new Map<number, number>();
  const dispatch = routine(k, nextRoutine++, (dev, irp) => {
    log.push(`${name} ${pnpMinorName(k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + IO_STACK_LOCATION.off.MinorFunction))}`);
    IoSkipCurrentIrpStackLocation(k.as, irp);
    return k.ddi.IoCallDriver(lower.get(dev)!, irp);
  });
  const { driver } = createDevice(k, name, 1, { [IRP_MJ.PNP]: dispatch });
  const addDevice = routine(k, nextRoutine++, (drv, pdo) => {
    log.push(`${name} AddDevice`);
    if (fail !== undefined) return fail;
    const [status, device] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    assert.equal(status, STATUS.SUCCESS);
    lower.set(device, k.ddi.IoAttachDeviceToDeviceStack(device, pdo));
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  return { driverObject: driver, service: name };
}

test('lower filters, the function driver, then upper filters: AddDevice in that order, the stack in that order from the PDO up', () => {
  const k = new Kernel();
  const log: string[] = [];
  const fn = stackDriver(k, 'Fn', log);
  const lower = stackDriver(k, 'Lower', log);
  const upper1 = stackDriver(k, 'Upper1', log);
  const upper2 = stackDriver(k, 'Upper2', log);
  const { node, status } = k.pnp.createRootDevice({ ...fn, lowerFilters: [lower], upperFilters: [upper1, upper2] });
  assert.equal(status, STATUS.SUCCESS);
  assert.deepEqual(log, ['Lower AddDevice', 'Fn AddDevice', 'Upper1 AddDevice', 'Upper2 AddDevice']);
  const owners = deviceStack(k, node.pdo).map((d) => k.io.drivers.get(k.io.driverOf(d))!.name);
  assert.deepEqual(owners, ['Upper2', 'Upper1', 'Fn', 'Lower', 'PnpManager']);
  log.length = 0;
  k.pnp.start(node);
  assert.deepEqual(log.slice(0, 4), ['Upper2', 'Upper1', 'Fn', 'Lower'].map((n) => `${n} IRP_MN_START_DEVICE`));
});

test('a filter whose AddDevice fails: the function driver already attached gets REMOVE_DEVICE, the device is gone', () => {
  const k = new Kernel();
  const log: string[] = [];
  const fn = stackDriver(k, 'Fn', log);
  const filter = stackDriver(k, 'Filter', log, STATUS.INSUFFICIENT_RESOURCES);
  const { node, status } = k.pnp.createRootDevice({ ...fn, upperFilters: [filter] });
  assert.equal(status, STATUS.INSUFFICIENT_RESOURCES);
  assert.deepEqual(log, ['Fn AddDevice', 'Filter AddDevice', 'Fn IRP_MN_REMOVE_DEVICE']);
  assert.deepEqual(k.pnp.irpLog.get(node)!.map((r) => r.name), ['IRP_MN_REMOVE_DEVICE']);
  assert.equal(node.state, 'DeviceNodeDeleted');
  assert.equal(node.problemStatus, STATUS.INSUFFICIENT_RESOURCES);
  assert.deepEqual(k.pnp.devnodes(), []);
});

test('a filter without AddDevice is refused before anything is created', () => {
  const k = new Kernel();
  const fn = stackDriver(k, 'Fn', []);
  const { driver } = createDevice(k, 'NoAdd', 1, {});
  assert.throws(() => k.pnp.createRootDevice({ ...fn, upperFilters: [{ driverObject: driver, service: 'NoAdd' }] }), /NoAdd has no AddDevice routine/);
  assert.deepEqual(k.pnp.devnodes(), []);
});
