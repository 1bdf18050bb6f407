/**
 * The KMDF PnP samples' violating twins, and what the clean samples do in the same place:
 * - KmdfPnpNoIoStop keeps a request (IOCTL_KMDFPNP_HOLD, sent asynchronously from a system thread
 *   here: `dv run`'s requests wait for their completion) and has no EvtIoStop. At a system sleep the
 *   framework stops the power-managed queue and waits for the request: the D-IRP never completes.
 *   Windows' power watchdog would end that in 0x9F; this machine has no such watchdog, so the
 *   deterministic outcome is the hang the wait becomes (nothing left to run completes it), with the
 *   framework's verifier line after DbgWaitForSignalTimeoutInSec (60 s). KmdfPnp acknowledges the
 *   request in EvtIoStop, gets it back in EvtIoResume after the wake, and completes it (cancelled) at
 *   the removal's purge.
 * - KmdfFilterSyncAtDispatch sends synchronously at DISPATCH_LEVEL: the framework refuses the call
 *   (in-flight recorder "Called at wrong IRQL", the verifier's message, STATUS_INVALID_DEVICE_REQUEST),
 *   as Windows' framework does for a DDI called above its IRQL; KmdfFilter forwards with a
 *   completion routine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { systemSleepWake } from '../../src/kernel/po/transition.ts';
import { KEVENT, IO_STATUS_BLOCK } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_LIBRARY_MODULE } from '../../src/nt/wdf.ts';
import type { Machine } from '../../src/system/machine.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import type { Framework } from '../../src/wdf/framework.ts';
import type { FxDriverGlobals } from '../../src/wdf/globals.ts';
import { frameworkLoader } from '../../src/wdf/framework.ts';
import { hex } from '../helpers.ts';
import { IOCTL_ECHO, IOCTL_HOLD, IOCTL_TICK, KMDFFILTER as FILTER, KMDFFILTER_SYNC_AT_DISPATCH as FILTER_SYNC_AT_DISPATCH, KMDFPNP, KMDFPNP_NO_IO_STOP as NO_IO_STOP } from './kmdf-pnp-samples.ts';

/**
 * The framework with its verifier on for every driver (what `Parameters\Wdf\VerifierOn` does), and
 * each client's globals kept for the test to read their in-flight recorder after the unload.
 */
function withWdfVerifier(): { configure: (m: Machine) => void; client: (name: string) => FxDriverGlobals } {
  const seen: FxDriverGlobals[] = [];
  const load = async (k: Kernel, placement: Parameters<ReturnType<typeof frameworkLoader>>[1]): Promise<Framework> => {
    const fx = await frameworkLoader({ verifierOn: () => true })(k, placement);
    const add = fx.clients.add.bind(fx.clients);
    fx.clients.add = (g) => (seen.push(g), add(g));
    return fx;
  };
  return {
    configure: (m) => m.loader.registerLibrary(WDF_LIBRARY_MODULE, load),
    client: (name) => seen.find((g) => g.name === name)!,
  };
}

/** `Parameters\Wdf\DbgBreakOnError = 0` for a driver: its verifier findings are logged and printed, with no break (which, with no debugger, is 0x1E). */
const noBreak = (service: string) => [{ op: 'value' as const, path: `\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\${service}\\Parameters\\Wdf`, name: 'DbgBreakOnError', type: 4, data: new Uint8Array([0, 0, 0, 0]), line: 1 }];

/** An IOCTL from a system thread that does not wait for it: the IRP and its IO_STATUS_BLOCK. */
function sendAsync(k: Kernel, device: number, code: number): { irp: number; iosb: number } {
  return k.runInThread(k.systemThread, () => {
    const block = k.ddi.ExAllocatePoolWithTag(0, KEVENT.size + IO_STATUS_BLOCK.size, 0x74736554) >>> 0;
    const event = block;
    const iosb = block + KEVENT.size;
    k.ddi.KeInitializeEvent(event, 0, 0);
    const irp = k.ddi.IoBuildDeviceIoControlRequest(code, device, 0, 0, 0, 0, 0, event, iosb) >>> 0;
    assert.equal(k.ddi.IofCallDriver(device, irp) >>> 0, STATUS.PENDING, 'the driver keeps the request');
    return { irp, iosb };
  });
}

async function startHolding(driver: string, extra: Partial<RunOptions> = {}, code = IOCTL_HOLD) {
  const printed: string[] = [];
  const outcome = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, onDebugPrint: (l) => printed.push(l.replace(/^KmdfPnp: /, '').trim()), ...extra });
  const k = outcome.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  const held = sendAsync(k, k.io.topOfStack(node.pdo), code);
  return { outcome, printed, k, node, held };
}

test('KmdfPnp: a tick cancelled before its timer is due goes to EvtRequestCancel (WdfRequestMarkCancelableEx), which completes it cancelled', async () => {
  const { k, node, held } = await startHolding(KMDFPNP, {}, IOCTL_TICK);
  assert.equal(k.runInThread(k.systemThread, () => k.ddi.IoCancelIrp(held.irp)), 1, 'the IRP had a cancel routine');
  assert.equal(hex(k.as.u32(held.iosb)), hex(STATUS.CANCELLED));
  // The timer still fires: the work item finds no request, counts the tick and leaves.
  k.dispatcher.runUntilIdle();
  k.pnp.remove(node);
  assert.deepEqual(k.pnp.devnodes(), []);
});

test('KmdfPnpNoIoStop: a request the driver keeps with no EvtIoStop holds the device in D0: the sleep never ends (a hang, the verifier\'s waiting line after 60 s)', async () => {
  const wdf = withWdfVerifier();
  const { k, node, printed } = await startHolding(NO_IO_STOP, { configure: wdf.configure, registry: noBreak('KmdfPnpNoIoStop') });
  const debugPrints: string[] = [];
  const print = k.onDebugPrint;
  k.onDebugPrint = (l) => (debugPrints.push(l), print?.(l));
  const start = k.clock.now;
  assert.throws(
    () => k.runInThread(k.systemThread, () => systemSleepWake(k, k.pnp.powerOrder(node))),
    (e: unknown) => e instanceof HangError && /KmdfPnpNoIoStop\.sys: the framework \(Wdf01000\) waits for all inflight requests to be acknowledged on WDFQUEUE 0x[0-9a-f]+/.test(e.message),
  );
  assert.ok(printed.includes('EvtDeviceSelfManagedIoSuspend'));
  assert.ok(!printed.includes('EvtDeviceD0Exit (to D3)'), 'D0Exit waits for the queue');
  const g = wdf.client('KmdfPnpNoIoStop');
  assert.ok(g.log.some((l) => /has 1 driver-owned request\(s\) and no EvtIoStop/.test(l)), g.log.join('\n'));
  assert.ok(g.log.some((l) => /FxVerifierWaitTimeout - Thread 0x[0-9a-f]+ is waiting for all inflight requests to be acknowledged on WDFQUEUE/.test(l)), g.log.join('\n'));
  assert.ok(debugPrints.some((l) => l.includes('WDF detected potentially invalid operation by KmdfPnpNoIoStop.sys')));
  assert.ok(Number(k.clock.now) - Number(start) >= 60 * 10_000_000, 'the verifier waited 60 s first');
});

test('KmdfPnp: EvtIoStop acknowledges the kept request at the sleep, EvtIoResume gets it back after the wake, the removal purges it (cancelled)', async () => {
  const { k, node, printed, held } = await startHolding(KMDFPNP);
  const cycle = k.runInThread(k.systemThread, () => systemSleepWake(k, k.pnp.powerOrder(node)));
  assert.equal(hex(cycle.status), '0x0');
  const i = printed.indexOf('EvtDeviceSelfManagedIoSuspend');
  assert.deepEqual(printed.slice(i, i + 6), ['EvtDeviceSelfManagedIoSuspend', 'EvtIoStop (suspend)', 'EvtDeviceD0Exit (to D3)', 'EvtDeviceD0Entry (from D3)', 'EvtIoResume', 'EvtDeviceSelfManagedIoRestart']);
  assert.equal(k.io.isCompleted(held.irp), false, 'still the driver\'s after the wake');
  k.pnp.remove(node);
  assert.ok(printed.includes('EvtIoStop (purge)'));
  assert.equal(hex(k.as.u32(held.iosb)), hex(STATUS.CANCELLED));
  assert.deepEqual(k.pnp.devnodes(), []);
});

test('KmdfFilter over KmdfPnp: IOCTLs go down with a completion routine, reads pass through the framework, unknown IOCTLs come back failed; clean under /standard', async () => {
  const printed: string[] = [];
  const r = await runDriver({
    driver: KMDFPNP,
    filters: [FILTER],
    verifierFlags: STANDARD_FLAGS,
    sleep: true,
    requests: [
      { kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 },
      { kind: 'read', length: 2 },
      { kind: 'ioctl', code: 0x222010, input: Buffer.alloc(0), outputLength: 0 },
    ],
    onDebugPrint: (l) => printed.push(l.trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), q.information, Buffer.from(q.output).toString('hex')]),
    [
      ['0x0', 4, '41424344'],
      ['0x0', 2, '4b4b'],
      [hex(STATUS.INVALID_DEVICE_REQUEST), 0, ''],
    ],
  );
  // Both IOCTLs went through the filter's completion routine (its parameters, and WdfRequestGetCompletionParams' the same); the read did not reach its queue.
  assert.deepEqual(printed.filter((l) => l.startsWith('KmdfFilter: ')), [
    'KmdfFilter: completed IOCTL 0x222000 with 0x0',
    'KmdfFilter: completed IOCTL 0x222010 with 0xc0000010',
    'KmdfFilter: 2 IOCTLs forwarded',
  ]);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
});

test('KmdfFilterSyncAtDispatch: a synchronous WdfRequestSend at DISPATCH_LEVEL fails (STATUS_INVALID_DEVICE_REQUEST, "Called at wrong IRQL", the verifier\'s message)', async () => {
  const wdf = withWdfVerifier();
  const printed: string[] = [];
  const r = await runDriver({
    driver: KMDFPNP,
    filters: [FILTER_SYNC_AT_DISPATCH],
    verifierFlags: STANDARD_FLAGS,
    configure: wdf.configure,
    registry: noBreak('KmdfFilterSyncAtDispatch'),
    requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }],
    onDebugPrint: (l) => printed.push(l.trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => [hex(q.status), q.information]), [[hex(STATUS.INVALID_DEVICE_REQUEST), 0]]);
  assert.ok(printed.some((l) => l.includes('WDF detected potentially invalid operation by KmdfFilterSyncAtDispatch.sys')), printed.join('\n'));
  const g = wdf.client('KmdfFilterSyncAtDispatch');
  assert.ok(g.log.includes('FxRequest::Send - Called at wrong IRQL; at level 2, should be at level 0'), g.log.join('\n'));
  // With DbgBreakOnError as VerifierOn leaves it (on), the framework breaks: with no kernel debugger, 0x1E STATUS_BREAKPOINT.
  const broke = await runDriver({ driver: KMDFPNP, filters: [FILTER_SYNC_AT_DISPATCH], verifierFlags: STANDARD_FLAGS, requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }] });
  assert.deepEqual([hex(broke.bugCheck?.code ?? 0), hex(broke.bugCheck?.params[0] ?? 0)], ['0x1e', hex(STATUS.BREAKPOINT)]);
});
