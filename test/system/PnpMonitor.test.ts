/**
 * PnpMonitor, the PnP monitor sample (toastmon's part), in C and TS, verified under /standard while the
 * PnpInterface sample's devices (of the same language) come and go: an arrival is opened (IoGetDeviceObjectPointer), watched (target device
 * notification) and served an echo IOCTL; it survives a sleep/wake cycle and a stop/start; an orderly
 * removal closes the file at QUERY_REMOVE and lets go at REMOVE_COMPLETE; a surprise removal lets go at
 * REMOVE_COMPLETE; a device still open at unload is let go by DriverUnload. Nothing leaks, nothing stops.
 * Its violating twin, PnpMonitorStaysRegistered.c, unloads with the interface notification registered:
 * the next arrival calls into the unloaded image, 0xCE with the callback's address.
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

test(`PnpMonitorStaysRegistered.${lang}: unloads with its interface notification registered; the next arrival calls into the unloaded image: 0xCE`, async () => {
  const { m, k, monitor, device } = await boot(TWIN, 'PnpMonitorStaysRegistered', DEVICE);
  const callback = monitor.module.symbols.functions.find((f) => f.name === 'MonitorInterfaceChange')!.start;
  m.unloadDriver(monitor);
  assert.equal(k.crash, undefined, 'nothing fires at the unload itself');
  assert.equal(k.pnp.notifications.entries.length, 1, 'the registration outlives the image');
  assert.throws(() => k.pnp.start(device()), /DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS/);
  const stop = k.crash!.bugCheck;
  assert.equal(hex(stop.code), '0xce');
  const params = [callback, 0, callback, 0];
  assert.deepEqual(stop.params.map(hex), params.map(hex), 'the callback, a read (0), the callback as the faulting address, 0');
  const analysis = execute(new DebugTarget(captureDump(k, m.loader, m.verifier)), '!analyze -v');
  assert.ok(analysis.includes('DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (ce)'), analysis.slice(0, 5).join('\n'));
  assert.deepEqual(argumentsBlock(analysis), expectedArguments(0xce, params));
  assert.equal(field(analysis, 'IMAGE_NAME'), 'PnpMonitorStaysRegistered.sys');
});
}
