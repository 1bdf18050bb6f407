/**
 * KmdfPnp's I/O target to the lower device (drivers/c/kmdf/KmdfPnp): a driver-created request, reused
 * and sent synchronously with a timeout (WdfIoTargetSendIoctlSynchronously), the lower PDO's hardware ID
 * (WdfIoTargetAllocAndQueryTargetProperty), and a queue request
 * forwarded asynchronously with a completion routine; clean under /standard through start, requests,
 * sleep/wake and removal. The KmdfPnpResend twin sends its request again while it waits in a stopped
 * target: 0x10D/0x6/0x3 REQUEST_ALREADY_SENT, charged to the driver, the framework's lines in its log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_BUGCHECK, WDF_REQUEST_FATAL_ERROR } from '../../src/nt/wdf.ts';
import { hex, ROOT } from '../helpers.ts';
import { IOCTL_ECHO, KMDFPNP } from './kmdf-pnp-samples.ts';

const KMDFPNP_RESEND = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfPnpResend', 'KmdfPnpResend.wasm');
/** kmdfpnp.h: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x820 / 0x821, METHOD_BUFFERED, FILE_ANY_ACCESS). */
const IOCTL_LOWER = 0x222080;
const IOCTL_FORWARD = 0x222084;

const REQUESTS: DeviceRequest[] = [
  { kind: 'ioctl', code: IOCTL_LOWER, input: Buffer.alloc(0), outputLength: 4 },
  { kind: 'ioctl', code: IOCTL_FORWARD, input: Buffer.alloc(0), outputLength: 0 },
  { kind: 'ioctl', code: IOCTL_LOWER, input: Buffer.alloc(0), outputLength: 4 },
  { kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 },
];

async function run(driver: string, extra: { sleep?: boolean } = {}) {
  const printed: string[] = [];
  const outcome = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, requests: REQUESTS, onDebugPrint: (l) => printed.push(l.replace(/^KmdfPnp: /, '').trim()), ...extra });
  return { outcome, printed };
}

const INVALID = hex(STATUS.INVALID_DEVICE_REQUEST);
const ANSWERED = `the lower device answered ${INVALID.replace(/^0x/, '0x')} (0 bytes)`;

test('KmdfPnp: a reused driver-created request sent synchronously to the lower device, a request forwarded with a completion routine: clean under /standard', async () => {
  const { outcome, printed } = await run(KMDFPNP);
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.hang, null);
  // The root bus's PDO answers an IOCTL it does not know with STATUS_INVALID_DEVICE_REQUEST: the answer comes back up.
  assert.deepEqual(
    outcome.requests.map((r) => [hex(r.status), r.information, Buffer.from(r.output).toString('hex')]),
    [
      ['0x0', 4, '100000c0'],
      [INVALID, 0, ''],
      ['0x0', 4, '100000c0'],
      ['0x0', 4, '41424344'],
    ],
  );
  // WdfIoTargetAllocAndQueryTargetProperty: the PDO's hardware ID (a MULTI_SZ; %ws prints its first string).
  const IS = 'the lower device is Root\\KmdfPnp';
  assert.deepEqual(printed.filter((l) => /lower|forwarded/.test(l)), [ANSWERED, IS, `forwarded IOCTL 0x${IOCTL_FORWARD.toString(16)} came back with ${INVALID}`, ANSWERED, IS]);
  assert.deepEqual(outcome.leaks, []);
  assert.equal(outcome.unloaded, true);
});

test('KmdfPnp: the lower target works after sleep and wake, and nothing is left behind', async () => {
  const { outcome } = await run(KMDFPNP, { sleep: true });
  assert.equal(outcome.bugCheck, null);
  assert.deepEqual(outcome.requests.map((r) => hex(r.status)), ['0x0', INVALID, '0x0', '0x0']);
  assert.deepEqual(outcome.leaks, []);
});

test('KmdfPnpResend: the request sent again while it waits in the stopped target is 0x10D/0x6/0x3 REQUEST_ALREADY_SENT', async () => {
  const { outcome, printed } = await run(KMDFPNP_RESEND);
  const bc = outcome.bugCheck;
  assert.ok(bc, 'the twin stops');
  assert.equal(hex(bc.code), '0x10d');
  assert.equal(bc.params[0], WDF_BUGCHECK.REQUEST_FATAL_ERROR);
  assert.equal(bc.params[1], WDF_REQUEST_FATAL_ERROR.REQUEST_ALREADY_SENT);
  assert.ok(bc.params[2] !== 0, 'P3 is the WDFREQUEST');
  assert.ok(printed.includes('no answer yet, sending again'));
  // P3 is the request the driver created in EvtDriverDeviceAdd: a live WDFREQUEST handle of the framework's.
  const framework = outcome.machine.kernel.modules.find((m) => m.name === 'Wdf01000');
  assert.ok(framework, 'Wdf01000 is loaded');
});
