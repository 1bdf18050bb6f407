/**
 * Requests beyond IOCTLs through runDriver: reads and writes in the order given, buffered / direct /
 * neither I/O as the device's flags say, user-mode buffers below MmUserProbeAddress, --open by every
 * name form, an open that fails, DbgBreakPoint with and without a debugger. The TypeScript driver
 * ReadWrite.ts runs everywhere; the C driver IoPair.c (two devices calling each other with remove
 * locks, IoGetDeviceObjectPointer and IoBuild*Request) is built with dv build when clang is there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { outcomeJson } from '../../src/cli/report.ts';
import { MM_USER_PROBE_ADDRESS } from '../../src/kernel/mm/address-space.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { STATUS } from '../../src/nt/status.ts';
import type { DebuggerIo } from '../../src/system/kd-session.ts';
import { ntDeviceName, runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT, fixture, hex } from '../helpers.ts';

const READ_WRITE = fixture('ReadWrite.ts');
const read = (length: number): DeviceRequest => ({ kind: 'read', length });
const write = (hexBytes: string): DeviceRequest => ({ kind: 'write', data: Buffer.from(hexBytes, 'hex') });
const ioctl = (code: number, input = '', outputLength = 0): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.from(input, 'hex'), outputLength });
const out = (r: { output: Uint8Array }) => Buffer.from(r.output).toString('hex');
const u32 = (r: { output: Uint8Array }, at: number) => Buffer.from(r.output).readUInt32LE(at);

function run(open: string, requests: DeviceRequest[], extra: Partial<Parameters<typeof runDriver>[0]> = {}) {
  return runDriver({ driver: READ_WRITE, verifierFlags: STANDARD_FLAGS, open, requests, ...extra });
}

for (const device of ['RwBuffered', 'RwDirect']) {
  test(`${device}: a write then a read, in that order, return the bytes written; clean under /standard`, async () => {
    const r = await run(`\\Device\\${device}`, [write('0a0b0c'), read(8), write('ff'), read(8)]);
    assert.equal(r.bugCheck, null);
    assert.deepEqual(
      r.requests.map((q) => [q.major, hex(q.status), q.information, out(q)]),
      [
        [IRP_MJ.WRITE, '0x0', 3, ''],
        [IRP_MJ.READ, '0x0', 3, '0a0b0c'],
        [IRP_MJ.WRITE, '0x0', 1, ''],
        [IRP_MJ.READ, '0x0', 1, 'ff'],
      ],
    );
  });
}

test('neither I/O: the read buffer and METHOD_NEITHER buffers are user-mode addresses below MmUserProbeAddress, RequestorMode UserMode', async () => {
  const r = await run('\\Device\\RwNeither', [read(8), ioctl(0x222003, '11', 9)]);
  assert.equal(r.bugCheck, null);
  const [rd, io] = r.requests;
  assert.equal(rd!.information, 5);
  const userBuffer = u32(rd!, 0);
  assert.ok(userBuffer > 0 && userBuffer < MM_USER_PROBE_ADDRESS, `read buffer ${hex(userBuffer)}`);
  assert.equal(rd!.output[4], 1, 'UserMode');
  for (const at of [0, 4]) {
    const a = u32(io!, at);
    assert.ok(a > 0 && a < MM_USER_PROBE_ADDRESS, `IOCTL buffer ${hex(a)}`);
  }
  assert.equal(io!.output[8], 1, 'UserMode');
});

test('the JSON has each request\'s major function, status, information and output; `code` only for IOCTLs', async () => {
  const r = await run('\\Device\\RwBuffered', [write('68656c6c6f'), ioctl(0x222005), read(2)]);
  const json = outcomeJson(r) as { open: unknown; requests: unknown[] };
  assert.deepEqual(json.open, { name: '\\Device\\RwBuffered', status: '0x0' });
  assert.deepEqual(json.requests, [
    { major: 'IRP_MJ_WRITE', status: '0x0', information: '0x5', output: '' },
    { major: 'IRP_MJ_DEVICE_CONTROL', code: '0x222005', status: hex(STATUS.INVALID_DEVICE_REQUEST), information: '0x0', output: '' },
    { major: 'IRP_MJ_READ', status: '0x0', information: '0x2', output: '6865' },
  ]);
});

test('--open takes \\Device\\X, \\??\\X, \\DosDevices\\X and \\\\.\\X; the default stays the first named device', async () => {
  assert.equal(ntDeviceName('\\\\.\\RwLink'), '\\??\\RwLink');
  const onDefault = await runDriver({ driver: READ_WRITE, verifierFlags: STANDARD_FLAGS, requests: [write('01')] });
  assert.equal(onDefault.open!.name, '\\Device\\RwBuffered');
  for (const name of ['\\Device\\RwDirect', '\\DEVICE\\rwdirect', '\\??\\RwLink', '\\DosDevices\\RwLink', '\\\\.\\RwLink']) {
    const r = await run(name, [write('01')]);
    assert.equal(r.open!.status, STATUS.SUCCESS, name);
    assert.equal(r.requests[0]!.status, STATUS.SUCCESS, name);
  }
});

test('an open of a name that does not exist fails with STATUS_OBJECT_NAME_NOT_FOUND, sends nothing, and the run goes on to unload', async () => {
  const lines: string[] = [];
  const r = await run('\\??\\Nope', [read(4), write('00')], { onRequest: (l) => lines.push(l) });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.open, { name: '\\??\\Nope', status: STATUS.OBJECT_NAME_NOT_FOUND });
  assert.deepEqual(r.requests, []);
  assert.deepEqual(lines, ['opening \\??\\Nope failed: STATUS_OBJECT_NAME_NOT_FOUND; the 2 requests were not sent']);
  assert.equal(r.unloaded, true);
});

test('DbgBreakPoint without a debugger: KMODE_EXCEPTION_NOT_HANDLED with STATUS_BREAKPOINT at nt!DbgBreakPoint', async () => {
  const r = await run('\\Device\\RwBuffered', [ioctl(0x222004)]);
  const k = r.machine.kernel;
  assert.deepEqual(r.bugCheck && [hex(r.bugCheck.code), ...r.bugCheck.params.map(hex)], ['0x1e', '0x80000003', hex(k.nt.address('DbgBreakPoint')), '0x0', '0x0']);
});

/** A debugger on a list of lines; what it writes is collected. */
function scripted(lines: string[]): DebuggerIo & { output: string[] } {
  const output: string[] = [];
  return { output, readLine: () => lines.shift(), write: (l) => void output.push(...l) };
}

test('DbgBreakPoint with a debugger: a kd> break at nt!DbgBreakPoint naming the caller; g continues the request', async () => {
  const io = scripted(['k', 'g']);
  const r = await run('\\Device\\RwBuffered', [ioctl(0x222004), write('01')], { debugger: io });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.breaks, [{ code: 0x1e, params: [0x80000003, r.machine.kernel.nt.address('DbgBreakPoint'), 0, 0], continued: true, breakpoint: 'DbgBreakPoint' }]);
  const text = io.output.join('\n');
  assert.match(text, /^Breakpoint: DbgBreakPoint called from ReadWrite!Dispatch\+0x[0-9a-f]+/m);
  assert.match(text, /^nt!DbgBreakPoint:$/m);
  assert.match(text, /^00 [0-9a-f]{8} nt!DbgBreakPoint$/m, 'k shows the break innermost');
  assert.deepEqual(r.requests.map((q) => q.status), [0, 0], 'both requests completed after g');
});

// ---- the C driver ---------------------------------------------------------------------------------

let ioPair = '';
let dir = '';
before(() => {
  if (NEEDS_CLANG) return;
  dir = mkdtempSync(join(tmpdir(), 'dv-iopair-'));
  ioPair = join(dir, 'IoPair.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'iopair', 'IoPair.c')], output: ioPair });
  assert.ok(built.ok, built.diagnostics);
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

const IOCTL_IOPAIR_FORWARD = 0x222400;
const IOCTL_IOPAIR_FORWARD_READ = 0x222404;
const IOCTL_IOPAIR_LOCK_COUNT = 0x222408;

test('IoPair.c: remove locks, IoGetDeviceObjectPointer, IoBuildDeviceIoControlRequest and IoBuildSynchronousFsdRequest, clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const r = await runDriver({
    driver: ioPair,
    verifierFlags: STANDARD_FLAGS,
    open: '\\\\.\\IoPair',
    requests: [write('68656c6c6f'), read(0x10), ioctl(IOCTL_IOPAIR_FORWARD, '0102030405', 8), ioctl(IOCTL_IOPAIR_FORWARD_READ, '', 4), ioctl(IOCTL_IOPAIR_LOCK_COUNT, '', 4)],
  });
  assert.equal(r.bugCheck, null);
  assert.equal(r.unloaded, true, 'DriverUnload drained the remove locks and returned');
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), out(q)]),
    [
      ['0x0', ''],
      ['0x0', '68656c6c6f'],
      ['0x0', '0504030201'], // the lower device's echo, completed later from its work item
      ['0x0', 'a0a1a2a3'], // the lower device's read, through its MDL (DO_DIRECT_IO)
      ['0x0', '02000000'], // the bias and this request's hold
    ],
  );
});

test('IoPair.c: reads from user mode on the direct-I/O and neither-I/O devices', { skip: NEEDS_CLANG }, async () => {
  const lower = await runDriver({ driver: ioPair, verifierFlags: STANDARD_FLAGS, open: '\\Device\\IoPairLower', requests: [read(3)] });
  assert.equal(out(lower.requests[0]!), 'a0a1a2');
  const neither = await runDriver({ driver: ioPair, verifierFlags: STANDARD_FLAGS, open: '\\Device\\IoPairNeither', requests: [read(8)] });
  const address = u32(neither.requests[0]!, 0);
  assert.ok(address < MM_USER_PROBE_ADDRESS, hex(address));
  assert.equal(neither.requests[0]!.output[4], 1, 'UserMode');
});

const IOCTL_IOPAIR_BREAK = 0x22240c;
const IOCTL_IOPAIR_QUEUE = 0x222410;
const STATUS_DEVICE_BUSY = 0x80000011;

test('IoPair.c: IoCsqInsertIrpEx queues (a work item completes it later) or returns the insert routine\'s refusal', { skip: NEEDS_CLANG }, async () => {
  const r = await runDriver({
    driver: ioPair,
    verifierFlags: STANDARD_FLAGS,
    requests: [ioctl(IOCTL_IOPAIR_QUEUE, '00'), ioctl(IOCTL_IOPAIR_QUEUE, '01'), ioctl(IOCTL_IOPAIR_QUEUE, ''), ioctl(IOCTL_IOPAIR_LOCK_COUNT, '', 4)],
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => hex(q.status)), ['0x0', hex(STATUS_DEVICE_BUSY), '0x0', '0x0']);
  assert.equal(out(r.requests[3]!), '02000000', 'every queued IRP gave its remove lock hold back');
});

test('IoPair.c: DbgBreakPoint without a debugger is 0x1E at nt!DbgBreakPoint, called from its source line', { skip: NEEDS_CLANG }, async () => {
  const r = await runDriver({ driver: ioPair, verifierFlags: STANDARD_FLAGS, requests: [ioctl(IOCTL_IOPAIR_BREAK)] });
  assert.deepEqual(r.bugCheck && [hex(r.bugCheck.code), hex(r.bugCheck.params[0]!)], ['0x1e', '0x80000003']);
  assert.equal(r.bugCheck!.params[1], r.machine.kernel.nt.address('DbgBreakPoint'));
  const stack = r.dump.context!.stack.map((pc) => r.machine.kernel.describe(pc));
  assert.match(stack.join('\n'), /IoPair!\w+\+0x[0-9a-f]+ \(test\/fixtures\/c\/iopair\/IoPair\.c\(\d+\)\)/);
});
