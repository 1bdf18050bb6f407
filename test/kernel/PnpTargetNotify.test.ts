/**
 * IoRegisterPlugPlayNotification for target device changes: a monitor opens the device and registers
 * with the file object (the PnP manager asks the stack for its PDO with TargetDeviceRelation); it is
 * told GUID_TARGET_DEVICE_QUERY_REMOVE before IRP_MN_QUERY_REMOVE_DEVICE, REMOVE_COMPLETE after
 * REMOVE_DEVICE and after SURPRISE_REMOVAL, REMOVE_CANCELLED when a callback or a driver vetoes; a
 * callback's veto keeps the device and sends no IRP. Hardware profile change registrations are
 * accepted and never called (one profile). Nothing is left in pool after unregistering.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { readGuid } from '../../src/kernel/pnp/interfaces.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT, IO_STACK_LOCATION, IRP, TARGET_DEVICE_REMOVAL_NOTIFICATION } from '../../src/nt/layout.ts';
import { IRP_MN_PNP, pnpMinorName } from '../../src/nt/pnp.ts';
import {
  EVENT_CATEGORY,
  GUID_TARGET_DEVICE_QUERY_REMOVE,
  GUID_TARGET_DEVICE_REMOVE_CANCELLED,
  GUID_TARGET_DEVICE_REMOVE_COMPLETE,
} from '../../src/nt/pnpnotify.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const EVENTS: Record<string, string> = {
  [GUID_TARGET_DEVICE_QUERY_REMOVE]: 'QUERY_REMOVE',
  [GUID_TARGET_DEVICE_REMOVE_CANCELLED]: 'REMOVE_CANCELLED',
  [GUID_TARGET_DEVICE_REMOVE_COMPLETE]: 'REMOVE_COMPLETE',
};
const liveTagged = (k: Kernel, tag: number) => [...k.pool.liveBlocks()].filter((b) => b.tag === tag).length;

/** A function driver with a named FDO \Device\Target; its PnP dispatch logs and passes down (failing QUERY_REMOVE when `veto`). */
function functionDriver(k: Kernel, log: string[], veto = false) {
  const lower = new Map<number, number>();
  const pnp = routine(k, 1, (dev, irp) => {
    const minor = k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + IO_STACK_LOCATION.off.MinorFunction);
    log.push(`Fn ${pnpMinorName(minor)}`);
    if (veto && minor === IRP_MN_PNP.QUERY_REMOVE_DEVICE) {
      k.as.setU32(irp + IRP.off['IoStatus.Status'], STATUS.UNSUCCESSFUL);
      k.ddi.IoCompleteRequest(irp, 0);
      return STATUS.UNSUCCESSFUL;
    }
    IoSkipCurrentIrpStackLocation(k.as, irp);
    return k.ddi.IoCallDriver(lower.get(dev)!, irp);
  });
  const createClose = routine(k, 2, (_dev, irp) => {
    k.as.setU32(irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
    k.ddi.IoCompleteRequest(irp, 0);
    return STATUS.SUCCESS;
  });
  const { driver } = createDevice(k, 'Fn', 1, { [IRP_MJ.PNP]: pnp, [IRP_MJ.CREATE]: createClose, [IRP_MJ.CLOSE]: createClose, [IRP_MJ.CLEANUP]: createClose });
  const addDevice = routine(k, 3, (drv, pdo) => {
    const [status, fdo] = k.io.createDevice(drv, 0, '\\Device\\Target', 0x22, 0);
    assert.equal(status, STATUS.SUCCESS);
    lower.set(fdo, k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo));
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Fn' });
  k.pnp.start(node);
  return node;
}

/** A monitor that opens \Device\Target and registers for its changes; `answer` says what its callback returns for QUERY_REMOVE. */
function monitor(k: Kernel, log: string[], name: string, n: number, answer: number = STATUS.SUCCESS) {
  const { driver } = createDevice(k, name, 1);
  const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\Target', 0));
  assert.equal(open.status, STATUS.SUCCESS);
  let file = open.file;
  const callback = routine(k, n, (notification, context) => {
    const event = EVENTS[readGuid(k, notification + TARGET_DEVICE_REMOVAL_NOTIFICATION.off.Event)]!;
    assert.equal(k.as.u32(notification + TARGET_DEVICE_REMOVAL_NOTIFICATION.off.FileObject), open.file);
    assert.equal(k.as.u16(notification + TARGET_DEVICE_REMOVAL_NOTIFICATION.off.Size), TARGET_DEVICE_REMOVAL_NOTIFICATION.size);
    assert.equal(context, 0x1234);
    assert.equal(k.irql, PASSIVE_LEVEL);
    log.push(`${name} ${event}`);
    if (event === 'QUERY_REMOVE' && answer !== STATUS.SUCCESS) return answer;
    // As a real monitor does: let go of the device when it may go, or is gone.
    if ((event === 'QUERY_REMOVE' || event === 'REMOVE_COMPLETE') && file !== 0) {
      k.io.files.closeFile(file);
      file = 0;
    }
    return STATUS.SUCCESS;
  });
  const out = scratch(k, 4);
  const status = k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, open.file, driver, callback, 0x1234, out);
  return { status, entry: k.as.u32(out), driver, file: open.file };
}

test('orderly removal: QUERY_REMOVE before the IRP, REMOVE_COMPLETE after REMOVE_DEVICE; registering asked the stack for its PDO', () => {
  const k = new Kernel();
  const log: string[] = [];
  const node = functionDriver(k, log);
  log.length = 0;
  const mon = monitor(k, log, 'Mon', 10);
  assert.equal(mon.status, STATUS.SUCCESS);
  assert.deepEqual(log, ['Fn IRP_MN_QUERY_DEVICE_RELATIONS'], 'TargetDeviceRelation went through the stack');
  log.length = 0;
  assert.equal(k.pnp.remove(node), STATUS.SUCCESS);
  assert.deepEqual(log, ['Mon QUERY_REMOVE', 'Fn IRP_MN_QUERY_REMOVE_DEVICE', 'Fn IRP_MN_REMOVE_DEVICE', 'Mon REMOVE_COMPLETE']);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotificationEx(mon.entry), STATUS.SUCCESS);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotificationEx(mon.entry), STATUS.INVALID_PARAMETER, 'twice');
  assert.equal(liveTagged(k, TAG.PnpNotify), 0);
});

test('a callback that fails QUERY_REMOVE keeps the device: no IRP is sent, the monitors told before it hear REMOVE_CANCELLED', () => {
  const k = new Kernel();
  const log: string[] = [];
  const node = functionDriver(k, log);
  monitor(k, log, 'First', 10);
  monitor(k, log, 'Vetoer', 11, STATUS.UNSUCCESSFUL as number);
  log.length = 0;
  assert.equal(k.pnp.remove(node), STATUS.UNSUCCESSFUL);
  assert.deepEqual(log, ['First QUERY_REMOVE', 'Vetoer QUERY_REMOVE', 'First REMOVE_CANCELLED']);
  assert.equal(node.state, 'DeviceNodeStarted');
});

test('a driver that fails IRP_MN_QUERY_REMOVE_DEVICE: CANCEL_REMOVE to the stack, then REMOVE_CANCELLED to the monitor', () => {
  const k = new Kernel();
  const log: string[] = [];
  const node = functionDriver(k, log, true);
  monitor(k, log, 'Mon', 10);
  log.length = 0;
  assert.equal(k.pnp.remove(node), STATUS.UNSUCCESSFUL);
  assert.deepEqual(log, ['Mon QUERY_REMOVE', 'Fn IRP_MN_QUERY_REMOVE_DEVICE', 'Fn IRP_MN_CANCEL_REMOVE_DEVICE', 'Mon REMOVE_CANCELLED']);
});

test('surprise removal: REMOVE_COMPLETE after SURPRISE_REMOVAL (the monitor closes its handle), no QUERY_REMOVE', () => {
  const k = new Kernel();
  const log: string[] = [];
  const node = functionDriver(k, log);
  const mon = monitor(k, log, 'Mon', 10);
  log.length = 0;
  k.pnp.surpriseRemove(node);
  assert.deepEqual(log, ['Fn IRP_MN_SURPRISE_REMOVAL', 'Mon REMOVE_COMPLETE']);
  k.pnp.finishSurpriseRemoval(node);
  assert.deepEqual(log.slice(2), ['Fn IRP_MN_REMOVE_DEVICE']);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotification(mon.entry), STATUS.SUCCESS);
});

test('an unregistered monitor hears nothing; a pointer that is no file object is INVALID_PARAMETER', () => {
  const k = new Kernel();
  const log: string[] = [];
  const node = functionDriver(k, log);
  const mon = monitor(k, log, 'Mon', 10);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotification(mon.entry), STATUS.SUCCESS);
  log.length = 0;
  k.pnp.remove(node);
  assert.deepEqual(log, ['Fn IRP_MN_QUERY_REMOVE_DEVICE', 'Fn IRP_MN_REMOVE_DEVICE']);
  const out = scratch(k, 4);
  const cb = routine(k, 20, () => STATUS.SUCCESS);
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, scratch(k, 16), mon.driver, cb, 0, out), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, 0, mon.driver, cb, 0, out), STATUS.INVALID_PARAMETER);
});

test('hardware profile change: the registration is accepted and unregistered; the one profile never changes, so no callback runs', () => {
  const k = new Kernel();
  const { driver } = createDevice(k, 'Hw', 1);
  let called = 0;
  const cb = routine(k, 21, () => (called++, STATUS.SUCCESS));
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.HardwareProfileChange, 0, 0, driver, cb, 0, out), STATUS.SUCCESS);
  const entry = k.as.u32(out);
  assert.notEqual(entry, 0);
  k.dispatcher.runUntilIdle();
  assert.equal(called, 0);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotification(entry), STATUS.SUCCESS);
  assert.equal(liveTagged(k, TAG.PnpNotify), 0);
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.Reserved, 0, 0, driver, cb, 0, out), STATUS.INVALID_PARAMETER);
});
