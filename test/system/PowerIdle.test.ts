/**
 * Idle detection from a C driver (test/fixtures/c/power/PowerIdle.c), verified: the counter
 * PoRegisterDeviceForIdleDetection returns, the PoSetDeviceBusy macro and the busy routines zeroing
 * it, the idle D-IRP two seconds of simulated time later, and detection turned off at unload.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { TICKS_PER_MS } from '../../src/kernel/ke/clock.ts';
import { powerManager } from '../../src/kernel/po/power.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { DEVICE_POWER_STATE as D, POWER_STATE_TYPE } from '../../src/nt/power.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const EXT = { IdleCounter: 0, DIrps: 4, LastState: 8, CounterAfterBusy: 12 } as const;

test('a C driver registered for idle detection gets IRP_MN_SET_POWER D3 once its device has been idle for PerformanceIdleTime', async () => {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PowerIdle.sys'] } });
  const k = m.kernel;
  const as = k.as;
  const image = await m.loadDriver(join(ROOT, 'test', 'fixtures', 'c', 'power', 'PowerIdle.wasm'));
  const device = as.u32(image.driverObject + DRIVER_OBJECT.off.DeviceObject);
  const ext = as.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  const counter = as.u32(ext + EXT.IdleCounter);
  assert.notEqual(counter, 0, 'detection on: a counter');
  assert.notEqual(k.pool.block(counter), undefined, 'the counter is a pool block');
  assert.equal(as.u32(ext + EXT.CounterAfterBusy), 0, 'PoSetDeviceBusy, PoSetDeviceBusyEx and PoEndDeviceBusy each left it 0');
  const start = k.clock.now;
  k.dispatcher.runUntilIdle(start + 1500 * TICKS_PER_MS);
  assert.equal(as.u32(ext + EXT.DIrps), 0, 'idle for 1 s: not yet');
  k.dispatcher.runUntilIdle(start + 10_000 * TICKS_PER_MS);
  assert.equal(as.u32(ext + EXT.DIrps), 1, 'one D-IRP, and none again once in D3');
  assert.equal(as.u32(ext + EXT.LastState), D.PowerDeviceD3);
  assert.equal(powerManager(k).state(device, POWER_STATE_TYPE.DevicePowerState), D.PowerDeviceD3);
  assert.equal(k.dispatcher.nextTimerDue(), undefined, 'the scan stopped: nothing counts toward idle');
  m.unloadDriver(image);
  assert.equal(k.crash, undefined);
  assert.equal(powerManager(k).idle.registrations().length, 0, 'DriverUnload turned detection off');
  assert.equal(k.pool.block(counter), undefined, 'and the counter is freed');
});
