/**
 * Power policy and wake with the KmdfPnpWake variant of the KMDF PnP sample (KmdfPnpIdle with
 * IdleCanWakeFromS0, WdfDeviceAssignSxWakeSettings and the power-policy callbacks): armed for wake
 * from a system sleep (S3) and from S0 idle, woken by the device's wake signal (its bus completes the
 * IRP_MN_WAIT_WAKE the framework sent), in the callback order of the reference (§4) and the callbacks'
 * pages; a power-up for a request cancels the WAIT_WAKE; a bus that cannot wake fails the wake
 * settings with STATUS_POWER_STATE_INVALID. And wdfwake.h's structures against src/nt/wdf-wake.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { layoutCheckSource } from '../../src/build/layout-check.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { powerManager } from '../../src/kernel/po/power.ts';
import { IO_STATUS_BLOCK, KEVENT } from '../../src/nt/layout.ts';
import { DEVICE_POWER_STATE, POWER_STATE_TYPE } from '../../src/nt/power.ts';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_POWER_POLICY_SX_WAKE_USER_CONTROL, WDF_WAKE_LAYOUTS } from '../../src/nt/wdf-wake.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { compileC, firstErrors, NEEDS_CLANG } from '../ddk/support.ts';
import { hex, ROOT } from '../helpers.ts';
import { IOCTL_ECHO } from './kmdf-pnp-samples.ts';

const KMDFPNP_WAKE = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfPnpWake', 'KmdfPnpWake.wasm');

/** Run the machine until `done` (the simulated clock moves on to the next timer as needed). */
function until(k: Kernel, done: () => boolean, printed: readonly string[]): void {
  k.runInThread(k.systemThread, () => k.dispatcher.waitUntil(done, () => `the test waited for what never came: ${printed.join(' | ')}`));
}

/** An IOCTL_ECHO of 4 bytes from a system thread: its IO_STATUS_BLOCK (Information is 4 once served). */
function echo(k: Kernel, pdo: number): number {
  return k.runInThread(k.systemThread, () => {
    const block = k.ddi.ExAllocatePoolWithTag(0, KEVENT.size + IO_STATUS_BLOCK.size, 0x74736554) >>> 0;
    k.ddi.KeInitializeEvent(block, 0, 0);
    const input = k.ddi.ExAllocatePoolWithTag(0, 4, 0x74736554) >>> 0;
    k.as.setU32(input, 0x44434241);
    const irp = k.ddi.IoBuildDeviceIoControlRequest(IOCTL_ECHO, k.io.topOfStack(pdo), input, 4, input, 4, 0, block, block + KEVENT.size) >>> 0;
    k.ddi.IofCallDriver(k.io.topOfStack(pdo), irp);
    return block + KEVENT.size;
  });
}

/** The lines from `first` on, `count` of them. */
function after(printed: readonly string[], first: string, count: number, from = 0): string[] {
  const i = printed.indexOf(first, from);
  assert.ok(i >= 0, `${first} never came:\n${printed.join('\n')}`);
  return printed.slice(i, i + count);
}

const run = (wake: boolean, sleep: boolean, printed: string[], steps: string[] = []) =>
  runDriver({ driver: KMDFPNP_WAKE, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, wake, sleep, onStep: (l) => steps.push(l), onDebugPrint: (l) => printed.push(l.replace(/^KmdfPnp: /, '').trim()) });

test('KmdfPnpWake sleeps in S3 armed for wake; the device signals wake; the callbacks come in order and the device is back in D0 serving requests', async () => {
  const printed: string[] = [];
  const steps: string[] = [];
  const r = await run(true, true, printed, steps);
  assert.equal(r.bugCheck, null);
  assert.ok(printed.includes('WdfDeviceAssignSxWakeSettings 0x00000000'), printed.join('\n'));
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  // Down for the sleep: armed after the queues stopped, before D0Exit; up: D0Entry, Triggered, Disarm, then the queues and Restart.
  assert.deepEqual(after(printed, 'EvtDeviceSelfManagedIoSuspend', 3), ['EvtDeviceSelfManagedIoSuspend', 'EvtDeviceArmWakeFromSxWithReason (device 1, children 0)', 'EvtDeviceD0Exit (to D3)']);
  assert.deepEqual(after(printed, 'EvtDeviceD0Entry (from D3)', 4, printed.indexOf('EvtDeviceD0Exit (to D3)')), [
    'EvtDeviceD0Entry (from D3)',
    'EvtDeviceWakeFromSxTriggered',
    'EvtDeviceDisarmWakeFromSx',
    'EvtDeviceSelfManagedIoRestart',
  ]);
  // The run says the device signalled while the machine slept, between S3 and S0.
  const signalled = steps.indexOf('the device signals wake: its IRP_MN_WAIT_WAKE completes');
  assert.ok(signalled > 0 && steps[signalled - 1]!.startsWith('IRP_MN_SET_POWER (PowerSystemSleeping3)') && steps[signalled + 1]!.startsWith('IRP_MN_SET_POWER (PowerSystemWorking)'), steps.join('\n'));
  assert.equal(powerManager(k).state(k.io.topOfStack(node.pdo), POWER_STATE_TYPE.DevicePowerState), DEVICE_POWER_STATE.PowerDeviceD0);
  assert.equal(k.pnp.rootDriver.wake.waiting(node.pdo), undefined, 'the WAIT_WAKE is done with');
  const iosb = echo(k, node.pdo);
  until(k, () => k.as.u32(iosb + 4) === 4, printed);
  assert.equal(hex(k.as.u32(iosb)), hex(STATUS.SUCCESS));
  k.pnp.remove(node);
  assert.deepEqual(k.pnp.devnodes(), []);
});

test('KmdfPnpWake idles in S0 armed for wake: a wake signal powers it up (Triggered, Disarm); a request powers it up too, the WAIT_WAKE canceled; removal from Dx cancels it', async () => {
  const printed: string[] = [];
  const r = await run(true, false, printed);
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  const wake = k.pnp.rootDriver.wake;
  until(k, () => printed.includes('EvtDeviceD0Exit (to D3)'), printed);
  assert.deepEqual(after(printed, 'EvtDeviceSelfManagedIoSuspend', 3), ['EvtDeviceSelfManagedIoSuspend', 'EvtDeviceArmWakeFromS0', 'EvtDeviceD0Exit (to D3)']);
  assert.notEqual(wake.waiting(node.pdo), undefined, 'the bus holds the WAIT_WAKE');
  // The device signals: the framework brings it back to D0 from its work item.
  assert.equal(k.runInThread(k.systemThread, () => wake.signal(node.pdo)), true);
  until(k, () => printed.includes('EvtDeviceDisarmWakeFromS0'), printed);
  assert.deepEqual(after(printed, 'EvtDeviceD0Entry (from D3)', 4, printed.indexOf('EvtDeviceD0Exit (to D3)')), ['EvtDeviceD0Entry (from D3)', 'EvtDeviceWakeFromS0Triggered', 'EvtDeviceDisarmWakeFromS0', 'EvtDeviceSelfManagedIoRestart']);
  // Idle again, armed again; this time a request wakes it: no Triggered, the WAIT_WAKE canceled.
  const exits = () => printed.filter((l) => l === 'EvtDeviceD0Exit (to D3)').length;
  until(k, () => exits() === 2, printed);
  const armedAgain = printed.lastIndexOf('EvtDeviceArmWakeFromS0');
  assert.ok(armedAgain > printed.indexOf('EvtDeviceDisarmWakeFromS0'));
  assert.notEqual(wake.waiting(node.pdo), undefined);
  const iosb = echo(k, node.pdo);
  until(k, () => k.as.u32(iosb + 4) === 4, printed);
  assert.equal(hex(k.as.u32(iosb)), hex(STATUS.SUCCESS));
  assert.deepEqual(after(printed, 'EvtDeviceD0Entry (from D3)', 3, armedAgain), ['EvtDeviceD0Entry (from D3)', 'EvtDeviceDisarmWakeFromS0', 'EvtDeviceSelfManagedIoRestart']);
  assert.equal(printed.filter((l) => l === 'EvtDeviceWakeFromS0Triggered').length, 1);
  assert.equal(wake.waiting(node.pdo), undefined, 'canceled for the power-up');
  // Idle and armed a third time, then removed from Dx: the WAIT_WAKE is canceled, no D0Exit again.
  until(k, () => exits() === 3 && wake.waiting(node.pdo) !== undefined, printed);
  k.pnp.remove(node);
  assert.equal(wake.waiting(node.pdo), undefined);
  assert.ok(!printed.includes('EvtDeviceD0Exit (to D3Final)'));
  assert.deepEqual(k.pnp.devnodes(), []);
});

test('on a bus that cannot wake, IdleCanWakeFromS0 fails with STATUS_POWER_STATE_INVALID and EvtDriverDeviceAdd with it', async () => {
  const printed: string[] = [];
  const r = await run(false, false, printed);
  assert.equal(r.bugCheck, null);
  assert.equal(hex(r.pnp!.addDevice), hex(STATUS.POWER_STATE_INVALID));
  assert.ok(!printed.some((l) => l.startsWith('WdfDeviceAssignSxWakeSettings')), 'the driver stopped at the idle settings');
});

test('wdfwake.h: WDF_POWER_POLICY_EVENT_CALLBACKS and WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS have the layouts of src/nt/wdf-wake.ts', { skip: NEEDS_CLANG }, () => {
  const source =
    layoutCheckSource(WDF_WAKE_LAYOUTS).replace('#include <ntddk.h>', '#include <ntddk.h>\n#include <wdf.h>') +
    Object.entries({ WakeDoNotAllowUserControl: WDF_POWER_POLICY_SX_WAKE_USER_CONTROL.DoNotAllowUserControl, WakeAllowUserControl: WDF_POWER_POLICY_SX_WAKE_USER_CONTROL.AllowUserControl })
      .map(([n, v]) => `_Static_assert(${n} == ${v}, "${n}");`)
      .join('\n') +
    '\n';
  const { status, stderr } = compileC(source);
  assert.equal(status, 0, firstErrors(stderr));
});
