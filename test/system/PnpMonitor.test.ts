/**
 * PnpMonitor, the PnP monitor sample (toastmon's part), in C and TS, verified under /standard while the
 * PnpInterface sample's devices (of the same language) come and go: an arrival is opened (IoGetDeviceObjectPointer), watched (target device
 * notification) and served an echo IOCTL; it survives a sleep/wake cycle and a stop/start; an orderly
 * removal closes the file at QUERY_REMOVE and lets go at REMOVE_COMPLETE; a surprise removal lets go at
 * REMOVE_COMPLETE; a device still open at unload is let go by DriverUnload. Nothing leaks, nothing stops.
 * Its violating twin, PnpMonitorStaysRegistered.c, unloads with the interface notification registered:
 * the registration holds the driver object, so the image stays (as on Windows) and the next arrival runs
 * the callback over the device extension DriverUnload freed: KASAN_ILLEGAL_ACCESS (0x1F2), freed pool.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { systemSleepWake } from '../../src/kernel/po/transition.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, FAST_MUTEX } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { captureDump } from '../../src/system/capture.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';
import { argumentsBlock, expectedArguments, field } from '../verifier/rules/support.ts';

const C = join(ROOT, 'drivers', 'c', 'pnp');
const TS = join(ROOT, 'drivers', 'ts', 'pnp');
const LANGUAGES = [
  { lang: 'c', monitor: join(C, 'PnpMonitor', 'PnpMonitor.wasm'), twin: join(C, 'PnpMonitorStaysRegistered', 'PnpMonitorStaysRegistered.wasm'), device: join(C, 'PnpInterface', 'PnpInterface.wasm') },
  { lang: 'ts', monitor: join(TS, 'PnpMonitor.ts'), twin: join(TS, 'PnpMonitorStaysRegistered.ts'), device: join(TS, 'PnpInterface.ts') },
] as const;

// MONITOR_EXTENSION: Driver, InterfaceEntry, Lock (FAST_MUTEX), Targets (LIST_ENTRY), then the counts.
const COUNTS = 8 + FAST_MUTEX.size + 8;
const NAMES = ['arrivals', 'removals', 'opens', 'echoes', 'queryRemoves', 'cancels', 'removeCompletes'] as const;
type Counts = Record<(typeof NAMES)[number], number>;
const counts = (...v: number[]): Counts => Object.fromEntries(NAMES.map((n, i) => [n, v[i] ?? 0])) as Counts;

async function boot(monitorPath: string, monitorName: string, devicePath: string) {
  const prints: string[] = [];
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: [`${monitorName}.sys`, 'PnpInterface.sys'] } });
  const k = m.kernel;
  k.onDebugPrint = (l: string) => prints.push(l);
  const monitor = await m.loadDriver(monitorPath);
  const ext = k.as.u32(k.as.u32(monitor.driverObject + DRIVER_OBJECT.off.DeviceObject) + DEVICE_OBJECT.off.DeviceExtension);
  const read = (): Counts => Object.fromEntries(NAMES.map((n, i) => [n, k.as.u32(ext + COUNTS + 4 * i)])) as Counts;
  const fn = await m.loadDriver(devicePath);
  const device = () => k.pnp.createRootDevice({ driverObject: fn.driverObject, service: 'PnpInterface' }).node;
  return { m, k, monitor, fn, read, device, prints };
}

for (const { lang, monitor: MONITOR, twin: TWIN, device: DEVICE } of LANGUAGES) {
test(`PnpMonitor.${lang}: opens each arrival, serves it an echo, survives sleep/wake and stop/start, lets go at removal and surprise removal; unloads clean`, async () => {
  const { m, k, monitor, fn, read, device, prints } = await boot(MONITOR, 'PnpMonitor', DEVICE);
  const a = device();
  assert.equal(k.pnp.start(a), STATUS.SUCCESS);
  assert.deepEqual(read(), counts(1, 0, 1, 1), 'arrival: opened and echoed');

  const sleep = systemSleepWake(k, k.pnp.powerOrder(a));
  assert.equal(sleep.vetoedBy, undefined, 'sleep/wake');
  assert.equal(k.pnp.stopStart(a), STATUS.SUCCESS, 'stop/start with the monitor holding the device open');
  assert.deepEqual(read(), counts(1, 0, 1, 1), 'the interface stays enabled across both');

  assert.equal(k.pnp.remove(a), STATUS.SUCCESS, 'the monitor closed its file at QUERY_REMOVE: no veto');
  assert.deepEqual(read(), counts(1, 1, 1, 1, 1, 0, 1));

  const b = device();
  k.pnp.start(b);
  assert.deepEqual(read(), counts(2, 1, 2, 2, 1, 0, 1));
  k.pnp.surpriseRemove(b);
  assert.deepEqual(read(), counts(2, 2, 2, 2, 1, 0, 2), 'REMOVE_COMPLETE after SURPRISE_REMOVAL: let go');
  k.pnp.finishSurpriseRemoval(b);

  // A third device is still open when the monitor unloads: DriverUnload lets go of it.
  const c = device();
  k.pnp.start(c);
  assert.equal(read().opens, 3);
  m.unloadDriver(monitor);
  assert.equal(k.pnp.notifications.entries.length, 0, 'no registration left');
  assert.equal(k.pnp.remove(c), STATUS.SUCCESS, 'removed after the monitor left: nothing calls into it');
  m.unloadDriver(fn);
  assert.equal(k.crash, undefined);
  assert.equal([...k.pool.liveBlocks()].filter((x) => x.tag === TAG.PnpNotify || x.tag === 0x4d706e50).length, 0, 'no notification or target left in pool');
  assert.deepEqual(prints.filter((l) => l.startsWith('PnpMonitor:')), [
    'PnpMonitor: arrival, open 0x0', 'PnpMonitor: echo 0x0',
    'PnpMonitor: query remove, closed', 'PnpMonitor: removal', 'PnpMonitor: remove complete, let go',
    'PnpMonitor: arrival, open 0x0', 'PnpMonitor: echo 0x0',
    'PnpMonitor: removal', 'PnpMonitor: remove complete, let go',
    'PnpMonitor: arrival, open 0x0', 'PnpMonitor: echo 0x0',
    'PnpMonitor: unloaded',
  ]);
});

test(`PnpMonitorStaysRegistered.${lang}: unloads with its interface notification registered; the registration keeps the image, and the next arrival's callback uses the freed extension`, async () => {
  const { m, k, monitor, device } = await boot(TWIN, 'PnpMonitorStaysRegistered', DEVICE);
  const extension = k.as.u32(k.as.u32(monitor.driverObject + DRIVER_OBJECT.off.DeviceObject) + DEVICE_OBJECT.off.DeviceExtension);
  m.unloadDriver(monitor);
  assert.equal(k.crash, undefined, 'nothing fires at the unload itself');
  assert.equal(k.pnp.notifications.entries.length, 1, 'the registration outlives DriverUnload');
  // As on Windows, the registration's reference on the driver object keeps the image: no leak check yet, lm lists it.
  assert.equal(k.io.unloadPending(monitor.driverObject), true);
  assert.ok(k.modules.some((mod) => mod.name === 'PnpMonitorStaysRegistered'), 'the image is still loaded');
  assert.equal(m.loader.unloaded.length, 0);
  assert.throws(() => k.pnp.start(device()), /KASAN_ILLEGAL_ACCESS/);
  const stop = k.crash!.bugCheck;
  assert.equal(hex(stop.code), '0x1f2');
  const [address, size, pc, shadow] = stop.params;
  assert.ok(address! >= extension && address! < extension + COUNTS + 4 * NAMES.length, `${hex(address!)} is in the freed extension at ${hex(extension)}`);
  assert.equal(size, 4);
  assert.equal(shadow! & 0xff, 0xfd, 'the shadow code of freed pool');
  // The access is made by the still-mapped image's own code (its callback, or a routine it calls).
  assert.ok(pc! >= monitor.module.base && pc! < monitor.module.base + monitor.module.size, `${hex(pc!)} in the monitor's image`);
  const target = new DebugTarget(captureDump(k, m.loader, m.verifier));
  assert.match(execute(target, 'k').join('\n'), /PnpMonitorStaysRegistered!MonitorInterfaceChange/);
  const analysis = execute(target, '!analyze -v');
  assert.ok(analysis.includes('KASAN_ILLEGAL_ACCESS (1f2)'), analysis.slice(0, 5).join('\n'));
  assert.deepEqual(argumentsBlock(analysis), expectedArguments(0x1f2, stop.params));
  assert.equal(field(analysis, 'IMAGE_NAME'), 'PnpMonitorStaysRegistered.sys');
});
}
