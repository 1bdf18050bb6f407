/**
 * A C monitor driver (test/fixtures/c/pnp/InterfaceMonitor.c), verified, registered for the
 * PnpInterface sample's interface class before that device exists: it hears the arrival once the
 * device has started and the removal when it is removed, at PASSIVE_LEVEL, through the notification
 * structure the verified driver reads (pool the memory checks accept); a second monitor loaded while
 * the interface is enabled hears of it (INCLUDE_EXISTING_INTERFACES); after DriverUnload nothing of
 * the registrations is left. The monitor also lists the class with IoGetDeviceInterfaces (a MULTI_SZ it
 * walks and frees).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TAG } from '../../src/kernel/tags.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const EXT = { Entry: 0, Arrivals: 4, Removals: 8, Others: 12, LastLinkLength: 16, MaxIrql: 20, ListedAtEntry: 24 } as const;
const MONITOR = join(ROOT, 'test', 'fixtures', 'c', 'pnp', 'InterfaceMonitor.wasm');
const LINK = '\\??\\ROOT#SYSTEM#0000#{5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}';

test('a verified C monitor hears the interface arrive after START and go at REMOVE; one loaded later hears of the existing one', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['InterfaceMonitor.sys', 'InterfaceMonitor2.sys', 'PnpInterface.sys'] } });
  const k = m.kernel;
  const counts = (image: { driverObject: number }) => {
    const ext = k.as.u32(k.as.u32(image.driverObject + DRIVER_OBJECT.off.DeviceObject) + DEVICE_OBJECT.off.DeviceExtension);
    const f = (o: number) => k.as.u32(ext + o);
    return { arrivals: f(EXT.Arrivals), removals: f(EXT.Removals), others: f(EXT.Others), linkLength: f(EXT.LastLinkLength), maxIrql: f(EXT.MaxIrql), listed: f(EXT.ListedAtEntry) };
  };
  const monitor = await m.loadDriver(MONITOR);
  assert.deepEqual(counts(monitor), { arrivals: 0, removals: 0, others: 0, linkLength: 0, maxIrql: 0, listed: 0 }, 'no interface yet');
  const fn = await m.loadDriver(join(ROOT, 'drivers', 'ts', 'pnp', 'PnpInterface.ts'));
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driverObject, service: 'PnpInterface' });
  assert.equal(counts(monitor).arrivals, 0, 'registered, not enabled');
  k.pnp.start(node);
  assert.deepEqual(counts(monitor), { arrivals: 1, removals: 0, others: 0, linkLength: 2 * LINK.length, maxIrql: 0, listed: 0 });

  // A second monitor, loaded while the interface is enabled: the same image under another name.
  const dir = mkdtempSync(join(tmpdir(), 'dv-ifmon-'));
  const copy = join(dir, 'InterfaceMonitor2.wasm');
  copyFileSync(MONITOR, copy);
  const late = await m.loadDriver(copy).finally(() => rmSync(dir, { recursive: true, force: true }));
  k.dispatcher.runUntilIdle();
  assert.equal(counts(late).arrivals, 1, 'INCLUDE_EXISTING_INTERFACES');
  assert.equal(counts(late).listed, 1, 'IoGetDeviceInterfaces listed the enabled interface');

  k.pnp.remove(node);
  assert.deepEqual(counts(monitor), { arrivals: 1, removals: 1, others: 0, linkLength: 2 * LINK.length, maxIrql: 0, listed: 0 });
  assert.equal(counts(late).removals, 1);
  m.unloadDriver(late);
  m.unloadDriver(monitor);
  m.unloadDriver(fn);
  assert.equal(k.crash, undefined);
  assert.equal(k.pnp.notifications.entries.length, 0);
  assert.equal([...k.pool.liveBlocks()].filter((b) => b.tag === TAG.PnpNotify).length, 0);
});

test('a monitor that unloads still registered keeps its image (the registration holds its driver object); the next arrival runs its callback over the freed extension', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['InterfaceMonitor.sys', 'PnpInterface.sys'] } });
  const k = m.kernel;
  const monitor = await m.loadDriver(MONITOR);
  // Lose the entry: DriverUnload's IoUnregisterPlugPlayNotificationEx(NULL) fails and the registration stays.
  const ext = k.as.u32(k.as.u32(monitor.driverObject + DRIVER_OBJECT.off.DeviceObject) + DEVICE_OBJECT.off.DeviceExtension);
  k.as.setU32(ext + EXT.Entry, 0);
  m.unloadDriver(monitor);
  assert.equal(k.crash === undefined, true, 'nothing fires at the unload itself');
  assert.equal(k.io.unloadPending(monitor.driverObject), true, 'as on Windows, the image stays while a registration holds the driver object');
  const fn = await m.loadDriver(join(ROOT, 'drivers', 'ts', 'pnp', 'PnpInterface.ts'));
  const { node } = k.pnp.createRootDevice({ driverObject: fn.driverObject, service: 'PnpInterface' });
  assert.throws(() => k.pnp.start(node), /KASAN_ILLEGAL_ACCESS/);
  const [address, size, pc, shadow] = k.crash!.bugCheck.params;
  assert.equal(k.crash?.bugCheck.code, 0x1f2);
  assert.ok(address! >= ext && address! < ext + EXT.ListedAtEntry + 4, 'a counter of the extension DriverUnload freed with its device');
  assert.equal(size, 4);
  assert.ok(pc! >= monitor.module.base && pc! < monitor.module.base + monitor.module.size, "the monitor's own code");
  assert.equal(shadow! & 0xff, 0xfd, 'freed pool');
});

