/**
 * The KMDF PnP function driver sample (drivers/c/kmdf/KmdfPnp) under the PnP manager: the
 * framework's AddDevice and EvtDriverDeviceAdd, the PnP/power callbacks in the reference's orders
 * (start, sleep and wake, rebalance, orderly and surprise removal), the resource lists, a
 * power-managed queue, a device interface, a timer whose DPC queues a work item, locks, and
 * nothing left behind under /standard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDriver, type DeviceRequest, type RunOptions } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex } from '../helpers.ts';
import { GUID_DEVINTERFACE_KMDFPNP, IOCTL_ECHO, IOCTL_RING, IOCTL_TICK, KMDFPNP } from './kmdf-pnp-samples.ts';

const REQUESTS: DeviceRequest[] = [
  { kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 },
  { kind: 'ioctl', code: IOCTL_TICK, input: Buffer.alloc(0), outputLength: 4 },
  { kind: 'read', length: 3 },
];

async function run(extra: Partial<RunOptions> = {}) {
  const printed: string[] = [];
  const outcome = await runDriver({
    driver: KMDFPNP,
    verifierFlags: STANDARD_FLAGS,
    requests: REQUESTS,
    onDebugPrint: (l) => printed.push(l.replace(/^KmdfPnp: /, '').trim()),
    ...extra,
  });
  return { outcome, printed };
}

const START = ['EvtDevicePrepareHardware (0 raw, 0 translated)', 'EvtDeviceD0Entry (from D3)', 'EvtDeviceSelfManagedIoInit'];
const REMOVE_TAIL = ['EvtDeviceSelfManagedIoFlush', 'EvtDeviceSelfManagedIoCleanup', 'EvtCleanupCallback (1 ticks)'];

test('KmdfPnp: AddDevice, the start, requests on a power-managed queue, a timer and a work item, an orderly removal: clean under /standard', async () => {
  const { outcome, printed } = await run();
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.hang, null);
  assert.deepEqual(printed, [
    'DriverEntry',
    // WdfDriverRetrieveVersionString into a WDFSTRING.
    'Kernel Mode Driver Framework version 1.33.0',
    'EvtDriverDeviceAdd',
    ...START,
    'EvtDeviceQueryRemove',
    'EvtDeviceSelfManagedIoSuspend',
    'EvtDeviceD0Exit (to D3Final)',
    'EvtDeviceReleaseHardware (0)',
    ...REMOVE_TAIL,
  ]);
  assert.deepEqual(
    outcome.requests.map((r) => [hex(r.status), r.information, Buffer.from(r.output).toString('hex')]),
    [
      ['0x0', 4, '41424344'],
      // The tick: cancelable while it waited; the timer queued the WDFDPC, which queued the work item, which counted, unmarked and completed it.
      ['0x0', 4, '01000000'],
      ['0x0', 3, '4b4b4b'],
    ],
  );
  assert.equal(outcome.pnp?.addDevice, 0);
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
  const k = outcome.machine.kernel;
  assert.deepEqual(k.pnp.devnodes(), []);
  // The framework's log has the PnP IRPs as the framework saw them.
  const framework = outcome.machine.kernel.modules.find((m) => m.name === 'Wdf01000');
  assert.ok(framework, 'Wdf01000 is loaded');
});

test('KmdfPnp: --sleep is D0Exit(D3) and D0Entry(D3) between SelfManagedIoSuspend and Restart; the device serves requests after the wake', async () => {
  const { outcome, printed } = await run({ sleep: true });
  assert.equal(outcome.bugCheck, null);
  const i = printed.indexOf('EvtDeviceSelfManagedIoInit');
  assert.deepEqual(printed.slice(i + 1, i + 5), ['EvtDeviceSelfManagedIoSuspend', 'EvtDeviceD0Exit (to D3)', 'EvtDeviceD0Entry (from D3)', 'EvtDeviceSelfManagedIoRestart']);
  assert.deepEqual(outcome.requests.map((r) => hex(r.status)), ['0x0', '0x0', '0x0']);
  assert.deepEqual(outcome.leaks, []);
});

test('KmdfPnp: a rebalance releases and prepares the hardware again, with the resource lists of each start', async () => {
  const { outcome, printed } = await run({ stopStart: true, resources: [{ kind: 'mem', base: 0xfe000000, length: 0x1000 }, { kind: 'irq', irq: 5, latched: false }] });
  assert.equal(outcome.bugCheck, null);
  const stop = printed.indexOf('EvtDeviceQueryStop');
  assert.deepEqual(printed.slice(stop, stop + 12), [
    'EvtDeviceQueryStop',
    'EvtDeviceSelfManagedIoSuspend',
    // The WDFINTERRUPT is disconnected between D0ExitPreInterruptsDisabled and D0Exit, connected after D0Entry.
    'EvtInterruptDisable',
    'EvtDeviceD0Exit (to D3)',
    'EvtDeviceReleaseHardware (2)',
    'resource 0 type 3',
    'resource 1 type 2',
    'EvtDevicePrepareHardware (2 raw, 2 translated)',
    'EvtDeviceD0Entry (from D3)',
    'EvtInterruptEnable',
    // A restart, not a second init.
    'EvtDeviceSelfManagedIoRestart',
    'EvtDeviceQueryRemove',
  ]);
  assert.deepEqual(outcome.leaks, []);
});

test('KmdfPnp: a surprise removal is EvtDeviceSurpriseRemoval, then the power-down half, ReleaseHardware; REMOVE_DEVICE the rest', async () => {
  const { outcome, printed } = await run({ removal: 'surprise-remove' });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(printed.slice(printed.indexOf('EvtDeviceSurpriseRemoval')), [
    'EvtDeviceSurpriseRemoval',
    'EvtDeviceSelfManagedIoSuspend',
    'EvtDeviceD0Exit (to D3Final)',
    'EvtDeviceReleaseHardware (0)',
    ...REMOVE_TAIL,
  ]);
  assert.ok(!printed.includes('EvtDeviceQueryRemove'));
  assert.deepEqual(outcome.leaks, []);
});

test('KmdfPnp: the device interface is enabled at the start, and requests through it reach the device', async () => {
  const { outcome } = await run({ openInterface: GUID_DEVINTERFACE_KMDFPNP, requests: [REQUESTS[0]!] });
  assert.equal(outcome.bugCheck, null);
  assert.match(outcome.open?.name ?? '', /6c1b9c2e-8f3a-4d57-9a0e-2b7d4e1f5a63/i);
  assert.deepEqual(outcome.requests.map((r) => [hex(r.status), r.information]), [['0x0', 4]]);
  assert.deepEqual(outcome.leaks, []);
});

test('KmdfPnp with a memory range and an interrupt: the doorbell raises the interrupt, the ISR queues the DPC, the DPC completes the request; no resources, no interrupt', async () => {
  const ring = { kind: 'ioctl' as const, code: IOCTL_RING, input: Buffer.alloc(0), outputLength: 4 };
  const { outcome, printed } = await run({ resources: [{ kind: 'mem', base: 0xfe000000, length: 0x1000 }, { kind: 'irq', irq: 5, latched: false }], sleep: true, requests: [ring, ring] });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(outcome.requests.map((r) => [hex(r.status), Buffer.from(r.output).toString('hex')]), [['0x0', '01000000'], ['0x0', '02000000']]);
  // Connected at the start and after the wake, disconnected for the sleep and the removal.
  assert.deepEqual(printed.filter((l) => l.startsWith('EvtInterrupt')), ['EvtInterruptEnable', 'EvtInterruptDisable', 'EvtInterruptEnable', 'EvtInterruptDisable']);
  assert.deepEqual(outcome.leaks, []);
  const bare = await run({ requests: [ring] });
  assert.deepEqual(bare.outcome.requests.map((r) => hex(r.status)), [hex(STATUS.DEVICE_NOT_READY)]);
  assert.ok(!bare.printed.some((l) => l.startsWith('EvtInterrupt')));
});
