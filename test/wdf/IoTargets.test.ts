/**
 * Remote I/O targets and driver-created requests (test/fixtures/c/kmdf/KmdfTargets.c): a control
 * device opens targets on itself, by name (ZwCreateFile) and by its DEVICE_OBJECT, and drives them:
 * synchronous IOCTLs and writes with each kind of memory descriptor, a timeout on a request the target
 * holds, a stopped target holding a send until it starts or the request is cancelled, a closed and a
 * purged target refusing sends (STATUS_INVALID_DEVICE_STATE) unless IGNORE_TARGET_STATE, a reopen, a
 * request reused and resent.
 * One ULONG per result, in the fixture's Results order.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { STATUS } from '../../src/nt/status.ts';
import { WDF_IO_TARGET_STATE } from '../../src/nt/wdf-target.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const TARGETS = join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'KmdfTargets.wasm');
const IOCTL_RUN = 0x222300;
const IOCTL_ECHO = 0x222304;
const IOCTL_ECHO_NEITHER = 0x22230f;
const RESULTS = [
  'createdState', 'open', 'openState', 'deviceIsOurs', 'hasFile', 'hasHandle', 'openAgain',
  'echoStatus', 'echoBytes', 'echoOut',
  'timeoutStatus',
  'stoppedSend', 'stoppedState', 'stoppedCalls', 'cancel', 'cancelCalls', 'cancelStatus',
  'start', 'startedCalls', 'startedStatus', 'startedInfo', 'paramsCode',
  'stoppedTimeout',
  'resendAfterReuse',
  'closedState', 'closedSend', 'closedStatus', 'reopen', 'reopenState',
  'existingOpen', 'writeBuffer', 'writeHandle', 'writeMdl', 'writeBytes',
  'changeTarget',
  'purgedState', 'purgedSend',
  'heldCancel', 'heldCalls', 'heldStatus',
  'neitherStatus', 'neitherOut',
  'ignoreStopped', 'ignorePurged',
  'cancelBack',
] as const;

test('remote targets by name and by device object: sends, timeouts, stop/start, cancel, close, reopen, purge; clean under /standard with the framework verifier', async () => {
  const prints: string[] = [];
  const r = await runDriver({
    driver: TARGETS,
    verifierFlags: STANDARD_FLAGS,
    wdfVerifier: true,
    requests: [{ kind: 'ioctl', code: IOCTL_RUN, input: Buffer.alloc(0), outputLength: 4 * RESULTS.length }],
    onDebugPrint: (l) => prints.push(l),
  });
  assert.equal(r.bugCheck, null, JSON.stringify(r.bugCheck));
  assert.equal(r.hang, null);
  const q = r.requests[0]!;
  assert.equal(hex(q.status), '0x0');
  const out = Buffer.from(q.output);
  const v = Object.fromEntries(RESULTS.map((n, i) => [n, out.readUInt32LE(4 * i)])) as Record<(typeof RESULTS)[number], number>;
  const S = WDF_IO_TARGET_STATE;
  assert.deepEqual(v, {
    createdState: S.Closed, // made, not open
    open: STATUS.SUCCESS,
    openState: S.Started,
    deviceIsOurs: 1, // the top of \Device\KmdfTargets' stack
    hasFile: 1,
    hasHandle: 1,
    openAgain: STATUS.INVALID_DEVICE_STATE, // already open
    echoStatus: STATUS.SUCCESS,
    echoBytes: 4,
    echoOut: 0x11223344, // METHOD_BUFFERED: copied back from the framework's system buffer
    timeoutStatus: STATUS.IO_TIMEOUT, // the held request cancelled when the 10 ms ran out
    stoppedSend: 1,
    stoppedState: S.Stopped,
    stoppedCalls: 0, // waiting in the stopped target
    cancel: 1,
    cancelCalls: 1,
    cancelStatus: STATUS.CANCELLED,
    start: STATUS.SUCCESS,
    startedCalls: 2, // sent down when the target started, and back
    startedStatus: STATUS.SUCCESS,
    startedInfo: 0,
    paramsCode: IOCTL_ECHO,
    stoppedTimeout: STATUS.IO_TIMEOUT, // a synchronous send waits in a stopped target until its timeout
    resendAfterReuse: 1,
    closedState: S.Closed,
    closedSend: 0,
    closedStatus: STATUS.INVALID_DEVICE_STATE,
    reopen: STATUS.SUCCESS,
    reopenState: S.Started,
    existingOpen: STATUS.SUCCESS,
    writeBuffer: STATUS.SUCCESS,
    writeHandle: STATUS.SUCCESS,
    writeMdl: STATUS.SUCCESS,
    writeBytes: 16 | (8 << 8) | (12 << 16), // the buffer, the memory's offset window, the MDL's length
    changeTarget: STATUS.SUCCESS,
    purgedState: S.Purged,
    purgedSend: STATUS.INVALID_DEVICE_STATE,
    heldCancel: 1, // IoCancelIrp reached the request in the device's manual queue
    heldCalls: 1,
    heldStatus: STATUS.CANCELLED,
    neitherStatus: STATUS.SUCCESS,
    neitherOut: ~0x11223344 >>> 0,
    ignoreStopped: STATUS.SUCCESS, // IGNORE_TARGET_STATE: down through a stopped target
    ignorePurged: STATUS.SUCCESS, // and a purged one
    cancelBack: 0, // WdfRequestCancelSentRequest on a request that is back: FALSE
  });
  assert.deepEqual(prints.filter((l) => l.startsWith('WDF detected')), [], 'no framework verifier break');
  assert.deepEqual(r.leaks, [], 'targets, requests, handles, file objects and MDLs all let go');
  assert.equal(r.unloaded, true);
  void IOCTL_ECHO_NEITHER;
});

const IOCTL_STOP_AT_DISPATCH = 0x222310;

test('WdfIoTargetStop(WdfIoTargetCancelSentIo) at DISPATCH_LEVEL: the framework reports the wrong IRQL and does not wait; with its verifier on that is a break (0x1E without a debugger)', async () => {
  const request = { kind: 'ioctl' as const, code: IOCTL_STOP_AT_DISPATCH, input: Buffer.alloc(0), outputLength: 4 };
  // Without Driver Verifier (so without the framework's verifier): the line is recorded, the call returns.
  const quiet = await runDriver({ driver: TARGETS, verifierFlags: 0, requests: [request] });
  assert.equal(quiet.bugCheck, null);
  assert.equal(quiet.hang, null);
  assert.deepEqual(quiet.requests.map((q) => [hex(q.status), Buffer.from(q.output).readUInt32LE(0)]), [['0x0', WDF_IO_TARGET_STATE.Stopped]]);
  const prints: string[] = [];
  const loud = await runDriver({ driver: TARGETS, verifierFlags: STANDARD_FLAGS, wdfVerifier: true, requests: [request], onDebugPrint: (l) => prints.push(l) });
  assert.equal(hex(loud.bugCheck?.code ?? 0), '0x1e');
  assert.equal(hex(loud.bugCheck!.params[0]!), hex(STATUS.BREAKPOINT));
  assert.ok(prints.some((l) => l.startsWith('WDF detected potentially invalid operation by KmdfTargets.sys')), prints.join('\n'));
});
