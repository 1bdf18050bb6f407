/**
 * Device interfaces and interface-change notifications: a PnP function driver registers an interface
 * in AddDevice, enables it in START and disables it in REMOVE; a monitor driver (loaded first, no
 * PnP) registers for the class and records arrivals and removals. Asserts the link's name and
 * registry key, that the link opens the top of the stack, the callbacks' order, IRQL and thread,
 * INCLUDE_EXISTING_INTERFACES, the PnP manager disabling what a driver left enabled, the DDIs'
 * statuses, and that nothing is left in pool.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { utf16Text } from '../../src/kernel/cm/hive.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DEVICE_CLASSES_PATH, readGuid, writeGuid } from '../../src/kernel/pnp/interfaces.ts';
import { TAG_STRING } from '../../src/kernel/rtl/ansi.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { DEVICE_INTERFACE_CHANGE_NOTIFICATION, DRIVER_EXTENSION, DRIVER_OBJECT, IO_STACK_LOCATION, UNICODE_STRING } from '../../src/nt/layout.ts';
import { IRP_MN_PNP } from '../../src/nt/pnp.ts';
import {
  DEVICE_INTERFACE_INCLUDE_NONACTIVE, EVENT_CATEGORY, GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL,
  PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
} from '../../src/nt/pnpnotify.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const S = IO_STACK_LOCATION.off;
const N = DEVICE_INTERFACE_CHANGE_NOTIFICATION.off;
const CLASS = '{6FDE7521-1B65-48AE-B628-80BE62016026}';
const OTHER_CLASS = '{00000000-1111-2222-3333-444455556666}';

function guid(k: Kernel, text: string): number {
  const a = scratch(k, 16);
  writeGuid(k, a, text);
  return a;
}

/**
 * The function driver: AddDevice attaches an FDO and registers the interface; START passes the IRP
 * down then enables it, REMOVE disables it (unless `keepEnabled`) then passes it down.
 */
function functionDriver(k: Kernel, log: string[], opts: { keepEnabled?: boolean } = {}) {
  const link = scratch(k, UNICODE_STRING.size);
  const lower = new Map<number, number>();
  const fdos: number[] = [];
  const dispatch = routine(k, 1, (dev, irp) => {
    const minor = k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + S.MinorFunction);
    if (minor === IRP_MN_PNP.REMOVE_DEVICE) {
      log.push('REMOVE');
      if (!opts.keepEnabled) assert.equal(k.ddi.IoSetDeviceInterfaceState(link, 0), STATUS.SUCCESS);
    }
    IoSkipCurrentIrpStackLocation(k.as, irp);
    const status = k.ddi.IoCallDriver(lower.get(dev)!, irp);
    if (minor === IRP_MN_PNP.START_DEVICE) {
      log.push('START');
      assert.equal(k.ddi.IoSetDeviceInterfaceState(link, 1), STATUS.SUCCESS);
    }
    return status;
  });
  const creates: number[] = [];
  const complete = routine(k, 5, (dev, irp) => {
    if (k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + S.MajorFunction) === IRP_MJ.CREATE) creates.push(dev);
    k.ddi.IoCompleteRequest(irp, 0);
    return STATUS.SUCCESS;
  });
  const { driver } = createDevice(k, 'Function', 1, { [IRP_MJ.PNP]: dispatch, [IRP_MJ.CREATE]: complete, [IRP_MJ.CLOSE]: complete });
  const addDevice = routine(k, 2, (drv, pdo) => {
    const [status, fdo] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    assert.equal(status, STATUS.SUCCESS);
    fdos.push(fdo);
    lower.set(fdo, k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo));
    return k.ddi.IoRegisterDeviceInterface(pdo, guid(k, CLASS), 0, link);
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  return { driver, link, fdos, creates };
}

interface Seen {
  readonly event: string;
  readonly classGuid: string;
  readonly link: string;
  readonly irql: number;
  readonly thread: string;
  readonly context: number;
}

/** The monitor: registers for CLASS; its callback records each notification and logs ARRIVAL / REMOVAL. */
function monitor(k: Kernel, log: string[], flags: number, n = 3) {
  const driver = k.io.createDriverObject(`Monitor${n}`, 0x9b000000, 0x100000);
  const seen: Seen[] = [];
  const callback = routine(k, n, (notification, context) => {
    const event = readGuid(k, notification + N.Event);
    seen.push({
      event,
      classGuid: readGuid(k, notification + N.InterfaceClassGuid),
      link: k.io.readUnicodeString(k.as.u32(notification + N.SymbolicLinkName)),
      irql: k.irql,
      thread: k.currentThread === k.workerThread ? 'worker' : 'other',
      context,
    });
    log.push(event === GUID_DEVICE_INTERFACE_ARRIVAL ? 'ARRIVAL' : 'REMOVAL');
    return STATUS.SUCCESS;
  });
  const entry = scratch(k, 4);
  const status = k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.DeviceInterfaceChange, flags, guid(k, CLASS), driver, callback, 0x1234, entry);
  assert.equal(status, STATUS.SUCCESS);
  return { seen, entry: k.as.u32(entry) };
}

/** IoGetDeviceInterfaces as a list of names (the MULTI_SZ freed as its caller must). */
function interfaces(k: Kernel, classGuid: string, pdo: number, flags: number): string[] {
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoGetDeviceInterfaces(guid(k, classGuid), pdo, flags, out), STATUS.SUCCESS);
  const list = k.as.u32(out);
  const names: string[] = [];
  for (let p = list; ; ) {
    let n = 0;
    while (k.as.u16(p + 2 * n) !== 0) n++;
    if (n === 0) break;
    names.push(k.as.utf16(p, n));
    p += 2 * n + 2;
  }
  k.ddi.ExFreePool(list);
  return names;
}

const liveTagged = (k: Kernel, tag: number) => [...k.pool.liveBlocks()].filter((b) => b.tag === tag).length;

test('an enabled interface: its link and key, the link opens the top of the stack; arrival after START, removal at REMOVE', () => {
  const k = new Kernel();
  const log: string[] = [];
  const mon = monitor(k, log, 0);
  const fn = functionDriver(k, log);
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
  const name = `\\??\\ROOT#SYSTEM#0000#${CLASS}`;
  assert.equal(k.io.readUnicodeString(fn.link), name);
  const key = k.cm.hive.lookup(`${DEVICE_CLASSES_PATH}\\${CLASS}\\##?#ROOT#SYSTEM#0000#${CLASS}`)!;
  assert.equal(utf16Text(key.value('DeviceInstance')!.data), 'ROOT\\SYSTEM\\0000');
  assert.deepEqual(interfaces(k, CLASS, 0, 0), [], 'registered, not enabled: not listed');
  assert.deepEqual(interfaces(k, CLASS, 0, DEVICE_INTERFACE_INCLUDE_NONACTIVE), [name]);
  assert.equal(k.io.files.openDevice(name).status, STATUS.OBJECT_NAME_NOT_FOUND, 'a disabled interface cannot be opened');

  k.pnp.start(node);
  assert.deepEqual(log, ['START', 'ARRIVAL']);
  assert.deepEqual(mon.seen, [{ event: GUID_DEVICE_INTERFACE_ARRIVAL, classGuid: CLASS, link: name, irql: PASSIVE_LEVEL, thread: 'worker', context: 0x1234 }]);
  assert.deepEqual(interfaces(k, CLASS, 0, 0), [name]);
  assert.deepEqual(interfaces(k, CLASS, node.pdo, 0), [name]);
  assert.deepEqual(interfaces(k, OTHER_CLASS, 0, 0), []);
  const opened = k.io.files.openDevice(name);
  assert.equal(opened.status, STATUS.SUCCESS);
  assert.deepEqual(fn.creates, [fn.fdos[0]], 'the link opens the top of the stack');
  k.ob.dereference(opened.file);

  k.pnp.remove(node);
  assert.deepEqual(log, ['START', 'ARRIVAL', 'REMOVE', 'REMOVAL']);
  assert.equal(mon.seen[1]!.event, GUID_DEVICE_INTERFACE_REMOVAL);
  assert.equal(k.ob.lookup(name), undefined, 'the link is gone');
  assert.deepEqual(interfaces(k, CLASS, 0, 0), []);

  assert.equal(k.ddi.IoUnregisterPlugPlayNotification(mon.entry), STATUS.SUCCESS);
  assert.equal(liveTagged(k, TAG.PnpNotify), 0, 'entries and notification structures are freed');
  k.ddi.RtlFreeUnicodeString(fn.link);
  assert.equal(liveTagged(k, TAG_STRING), 0, 'the link name and the lists were the only strings');
});

test('INCLUDE_EXISTING_INTERFACES: a monitor registering after START hears of the enabled interface; without the flag it does not', () => {
  const k = new Kernel();
  const log: string[] = [];
  const fn = functionDriver(k, log);
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
  k.pnp.start(node);
  const late = monitor(k, log, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, 3);
  const plain = monitor(k, log, 0, 4);
  assert.equal(late.seen.length, 0, 'not called inside IoRegisterPlugPlayNotification');
  k.dispatcher.runUntilIdle();
  assert.deepEqual(late.seen.map((s) => s.event), [GUID_DEVICE_INTERFACE_ARRIVAL]);
  assert.deepEqual(plain.seen, []);
});

test('the PnP manager disables the interfaces a driver left enabled when its device is removed, and surprise-removed', () => {
  for (const how of ['remove', 'surprise'] as const) {
    const k = new Kernel();
    const log: string[] = [];
    const mon = monitor(k, log, 0);
    const fn = functionDriver(k, log, { keepEnabled: true });
    const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
    k.pnp.start(node);
    if (how === 'remove') k.pnp.remove(node);
    else k.pnp.surpriseRemove(node);
    assert.deepEqual(mon.seen.map((s) => s.event), [GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL], how);
    assert.equal(k.ob.lookup(k.io.readUnicodeString(fn.link)), undefined, how);
    assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 0), STATUS.OBJECT_NAME_NOT_FOUND, 'already disabled');
    if (how === 'surprise') k.pnp.finishSurpriseRemoval(node);
    assert.equal(mon.seen.length, 2, 'REMOVE_DEVICE after the surprise removal notifies nothing more');
    assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 1), STATUS.NO_SUCH_DEVICE, 'the device is gone');
    // The same instance path enumerated again: the registration is the new device's, and enabling links to its PDO.
    const again = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' }).node;
    assert.equal(again.instancePath, node.instancePath);
    k.pnp.start(again);
    assert.equal(k.ob.lookup(k.io.readUnicodeString(fn.link)), again.pdo, how);
    assert.deepEqual(mon.seen.map((s) => s.event).slice(2), [GUID_DEVICE_INTERFACE_ARRIVAL], how);
  }
});

test('statuses: not a PDO, enabling twice, disabling twice, an unknown link, registering twice, other event categories', () => {
  const k = new Kernel();
  const log: string[] = [];
  const fn = functionDriver(k, log);
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
  const out = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.IoRegisterDeviceInterface(fn.fdos[0]!, guid(k, CLASS), 0, out), STATUS.INVALID_DEVICE_REQUEST, 'an FDO is not a PDO');
  assert.equal(k.ddi.IoRegisterDeviceInterface(node.pdo, guid(k, CLASS), 0, out), STATUS.SUCCESS);
  assert.equal(k.io.readUnicodeString(out), k.io.readUnicodeString(fn.link), 'registering again: the same name');
  k.ddi.RtlFreeUnicodeString(out);
  k.pnp.start(node);
  assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 1), STATUS.OBJECT_NAME_EXISTS);
  assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 0), STATUS.OBJECT_NAME_NOT_FOUND);
  const bogus = scratch(k, UNICODE_STRING.size);
  k.io.initUnicodeString(bogus, scratch(k, 64), '\\??\\NoSuchInterface');
  assert.equal(k.ddi.IoSetDeviceInterfaceState(bogus, 1), STATUS.OBJECT_NAME_NOT_FOUND);
  const entry = scratch(k, 4);
  const cb = routine(k, 9, () => STATUS.SUCCESS);
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, scratch(k, 4), fn.driver, cb, 0, entry), STATUS.INVALID_PARAMETER, 'no file object');
  assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.DeviceInterfaceChange, 0, 0, fn.driver, cb, 0, entry), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.IoUnregisterPlugPlayNotificationEx(0x1000), STATUS.INVALID_PARAMETER);
});

test('unregistering drops the callbacks still queued: none runs afterwards', () => {
  const k = new Kernel();
  const log: string[] = [];
  const fn = functionDriver(k, log);
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
  k.pnp.start(node);
  const mon = monitor(k, log, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES);
  assert.equal(k.ddi.IoSetDeviceInterfaceState(fn.link, 0), STATUS.SUCCESS);
  assert.equal(liveTagged(k, TAG.PnpNotify), 3, 'the entry and two queued notifications');
  assert.equal(k.ddi.IoUnregisterPlugPlayNotificationEx(mon.entry), STATUS.SUCCESS);
  k.dispatcher.runUntilIdle();
  assert.deepEqual(mon.seen, []);
  assert.equal(liveTagged(k, TAG.PnpNotify), 0);
});

test('IoGetDeviceInterfaceAlias: the same device and reference string in another class; none; not an interface', () => {
  const k = new Kernel();
  const fn = functionDriver(k, []);
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driver, service: 'Function' });
  const other = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.IoRegisterDeviceInterface(node.pdo, guid(k, OTHER_CLASS), 0, other), STATUS.SUCCESS);
  const ref = scratch(k, UNICODE_STRING.size);
  k.io.initUnicodeString(ref, scratch(k, 16), 'Ref');
  const withRef = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.IoRegisterDeviceInterface(node.pdo, guid(k, OTHER_CLASS), ref, withRef), STATUS.SUCCESS);
  assert.equal(k.io.readUnicodeString(withRef), `\\??\\ROOT#SYSTEM#0000#${OTHER_CLASS}\\Ref`);
  const alias = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.IoGetDeviceInterfaceAlias(fn.link, guid(k, OTHER_CLASS), alias), STATUS.SUCCESS);
  assert.equal(k.io.readUnicodeString(alias), k.io.readUnicodeString(other), 'the NULL-reference-string interface, not the \\Ref one');
  k.ddi.RtlFreeUnicodeString(alias);
  assert.equal(k.ddi.IoGetDeviceInterfaceAlias(withRef, guid(k, CLASS), alias), STATUS.OBJECT_NAME_NOT_FOUND, 'no CLASS interface with reference string Ref');
  const bogus = scratch(k, UNICODE_STRING.size);
  k.io.initUnicodeString(bogus, scratch(k, 64), '\\??\\Nothing');
  assert.equal(k.ddi.IoGetDeviceInterfaceAlias(bogus, guid(k, CLASS), alias), STATUS.INVALID_HANDLE);
  for (const s of [other, withRef, fn.link]) k.ddi.RtlFreeUnicodeString(s);
  assert.equal(liveTagged(k, TAG_STRING), 0);
});
