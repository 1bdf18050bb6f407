/**
 * S0 idle (WdfDeviceAssignS0IdleSettings) with the KmdfPnpIdle variant of the KMDF PnP sample: after
 * 100 ms with nothing in its power-managed queue the device powers down (D0Exit to D3) while the
 * system stays in S0; a request arriving powers it up (D0Entry) and is delivered once it is in D0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { IO_STATUS_BLOCK, KEVENT } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { hex } from '../helpers.ts';
import { IOCTL_ECHO, KMDFPNP_IDLE } from './kmdf-pnp-samples.ts';

/** Run the machine until `done` (the simulated clock moves on to the next timer as needed). */
const printedLines: string[] = [];
function until(k: Kernel, done: () => boolean): void {
  k.runInThread(k.systemThread, () => k.dispatcher.waitUntil(done, () => `the test waited for what never came: ${printedLines.join(' | ')}`));
}

test('KmdfPnpIdle: idle for 100 ms powers the device down (D3) in S0; a request powers it up and is served; the removal from D3 skips D0Exit', async () => {
  const printed: string[] = [];
  const r = await runDriver({ driver: KMDFPNP_IDLE, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, onDebugPrint: (l) => (printed.push(l.replace(/^KmdfPnp: /, '').trim()), printedLines.push(l.trim())) });
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  const started = k.clock.now;
  until(k, () => printed.includes('EvtDeviceD0Exit (to D3)'));
  assert.ok(k.clock.now - started >= 100 * 10_000, `not before the idle timeout: ${k.clock.now - started}`);
  // Only the start's D0Entry so far.
  assert.equal(printed.filter((l) => l === 'EvtDeviceD0Entry (from D3)').length, 1);
  // An IOCTL from a system thread: the arrival wakes the device, then the queue delivers it.
  const { iosb } = k.runInThread(k.systemThread, () => {
    const block = k.ddi.ExAllocatePoolWithTag(0, KEVENT.size + IO_STATUS_BLOCK.size, 0x74736554) >>> 0;
    k.ddi.KeInitializeEvent(block, 0, 0);
    const input = k.ddi.ExAllocatePoolWithTag(0, 4, 0x74736554) >>> 0;
    k.as.setU32(input, 0x44434241);
    const built = k.ddi.IoBuildDeviceIoControlRequest(IOCTL_ECHO, k.io.topOfStack(node.pdo), input, 4, input, 4, 0, block, block + KEVENT.size) >>> 0;
    k.ddi.IofCallDriver(k.io.topOfStack(node.pdo), built);
    return { iosb: block + KEVENT.size };
  });
  // Its IO_STATUS_BLOCK says 4 bytes once it has completed.
  until(k, () => k.as.u32(iosb + 4) === 4);
  const i = printed.indexOf('EvtDeviceD0Exit (to D3)');
  assert.deepEqual(printed.slice(i - 1, i + 3), ['EvtDeviceSelfManagedIoSuspend', 'EvtDeviceD0Exit (to D3)', 'EvtDeviceD0Entry (from D3)', 'EvtDeviceSelfManagedIoRestart']);
  assert.equal(hex(k.as.u32(iosb)), hex(STATUS.SUCCESS));
  assert.equal(k.as.u32(iosb + 4), 4);
  // Idle again, then removed from D3: no second D0Exit.
  until(k, () => printed.filter((l) => l === 'EvtDeviceD0Exit (to D3)').length === 2);
  k.pnp.remove(node);
  assert.ok(!printed.includes('EvtDeviceD0Exit (to D3Final)'), printed.join('\n'));
  assert.ok(printed.includes('EvtDeviceReleaseHardware (0)'));
  assert.deepEqual(k.pnp.devnodes(), []);
});
