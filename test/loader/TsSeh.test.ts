/**
 * Structured exception handling in TypeScript drivers (`ddi.__try`): the METHOD_NEITHER IOCTL that
 * probes its user buffers inside __try fails with the exception's status (no bug check), a good
 * buffer works; nested frames, finally, filters that decline, EXCEPTION_CONTINUE_EXECUTION and the
 * record behave as the C side does (test/ddk/Seh.test.ts); an exception no frame takes is
 * KMODE_EXCEPTION_NOT_HANDLED at the raise, in the driver's source. With a C driver on the same
 * machine (SehForward.c), an exception crosses IoCallDriver both ways to the innermost frame.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { Machine } from '../../src/system/machine.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, METHOD_NEITHER } from '../../src/nt/io.ts';
import { STATUS } from '../../src/nt/status.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { MM_USER_PROBE_ADDRESS } from '../../src/kernel/mm/address-space.ts';
import { runDriver } from '../../src/system/run.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { parseFlags } from '../../src/verifier/settings.ts';
import { ROOT } from '../helpers.ts';

const driver = join(ROOT, 'test', 'fixtures', 'drivers', 'SehNeither.ts');
const IOCTL_SEH_NEITHER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_NEITHER, FILE_ANY_ACCESS);
const IOCTL_SEH_UNGUARDED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_NEITHER, FILE_ANY_ACCESS);
const IOCTL_SEH_TRAIL = (n: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x910 + n, METHOD_BUFFERED, FILE_ANY_ACCESS);
const standard = parseFlags('standard');

/** The METHOD_NEITHER request: { Address, Length } then `extra` bytes. */
function request(address: number, length: number, extra: number[] = []): Uint8Array {
  const b = new Uint8Array(8 + extra.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, address, true);
  v.setUint32(4, length, true);
  b.set(extra, 8);
  return b;
}

async function neither(input: Uint8Array, code = IOCTL_SEH_NEITHER) {
  return runDriver({ driver, verifierFlags: standard, open: '\\Device\\SehNeither', ioctls: [{ code, input, outputLength: 16 }] });
}

test('METHOD_NEITHER with good user buffers: probed inside __try, copied, STATUS_SUCCESS', async () => {
  const input = request(0, 0, [1, 2, 3, 4]);
  const outcome = await neither(input);
  assert.equal(outcome.bugCheck, null, JSON.stringify(outcome.bugCheck));
  const r = outcome.requests[0]!;
  assert.equal(r.status, STATUS.SUCCESS);
  assert.deepEqual([...r.output], [...input]);
});

test('METHOD_NEITHER naming a kernel address: the handler fails the request with STATUS_ACCESS_VIOLATION, no bug check', async () => {
  const outcome = await neither(request(MM_USER_PROBE_ADDRESS, 4));
  assert.equal(outcome.bugCheck, null, JSON.stringify(outcome.bugCheck));
  assert.equal(outcome.requests[0]!.status >>> 0, STATUS.ACCESS_VIOLATION >>> 0);
  assert.equal(outcome.requests[0]!.information, 0);
});

test('METHOD_NEITHER naming a misaligned address: STATUS_DATATYPE_MISALIGNMENT', async () => {
  const outcome = await neither(request(0x10001, 4));
  assert.equal(outcome.bugCheck, null, JSON.stringify(outcome.bugCheck));
  assert.equal(outcome.requests[0]!.status >>> 0, STATUS.DATATYPE_MISALIGNMENT >>> 0);
});

test('the same probe with no __try is KMODE_EXCEPTION_NOT_HANDLED: the code, and the raise in the driver\'s source', async () => {
  const outcome = await neither(request(MM_USER_PROBE_ADDRESS, 4), IOCTL_SEH_UNGUARDED);
  assert.equal(outcome.bugCheck?.code, BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED);
  assert.equal(outcome.bugCheck?.params[0], STATUS.ACCESS_VIOLATION >>> 0);
  assert.match(execute(new DebugTarget(outcome.dump!), '!analyze -v').join('\n'), /SYMBOL_NAME:\s+SehNeither!Dispatch\+0x[0-9a-f]+/);
});

async function trail(n: number): Promise<number[]> {
  const outcome = await runDriver({ driver, verifierFlags: standard, open: '\\Device\\SehNeither', ioctls: [{ code: IOCTL_SEH_TRAIL(n), input: new Uint8Array(0), outputLength: 64 }] });
  assert.equal(outcome.bugCheck, null, `pattern ${n}: ${JSON.stringify(outcome.bugCheck)}`);
  const r = outcome.requests[0]!;
  assert.equal(r.status, STATUS.SUCCESS);
  const view = new DataView(r.output.buffer, r.output.byteOffset, r.information);
  return Array.from({ length: r.information / 4 }, (_, i) => view.getUint32(4 * i, true));
}

test('nested __try: the inner finally runs abnormally, a declining filter sees the code, the outer handler takes it', async () => {
  // 0x201 finally (abnormal), 0x101 filter saw the code, then the outer handler's value; 0x300 (the declined handler) never.
  assert.deepEqual(await trail(0), [0x201, 0x101, STATUS.ACCESS_DENIED >>> 0]);
});

test('a normal end: __try returns the body\'s value and finally runs, not abnormally', async () => {
  assert.deepEqual(await trail(1), [0x200, 7]);
});

test('EXCEPTION_CONTINUE_EXECUTION raises STATUS_NONCONTINUABLE_EXCEPTION to the next frame out', async () => {
  assert.deepEqual(await trail(2), [STATUS.NONCONTINUABLE_EXCEPTION >>> 0]);
});

test('the handler gets the record: EXCEPTION_NONCONTINUABLE, and the raise\'s address in the driver', async () => {
  assert.deepEqual(await trail(3), [1, 1]);
});

/** Both drivers on one machine: send `code` to \\Device\\SehForward (the C driver) or \\Device\\SehNeither. */
async function mixed(device: string, code: number): Promise<{ status: number; output: number; bugCheck: number | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-tsseh-'));
  try {
    const forward = join(dir, 'SehForward.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'seh', 'SehForward.c')], output: forward });
    assert.ok(built.ok, built.diagnostics);
    const machine = new Machine();
    const k = machine.kernel;
    await machine.loadDriver(driver);
    await machine.loadDriver(forward);
    try {
      const r = k.runInThread(k.userThread, () => {
        const open = k.io.files.openDevice(device);
        assert.equal(open.status, STATUS.SUCCESS);
        return k.io.files.deviceIoControl(open.file, code, new Uint8Array(0), 4);
      });
      const output = r.information >= 4 ? new DataView(r.output.buffer, r.output.byteOffset).getUint32(0, true) : -1;
      return { status: r.status, output, bugCheck: undefined };
    } catch (e) {
      const bugCheck = k.crash?.bugCheck.code;
      if (bugCheck === undefined) throw e;
      return { status: -1, output: -1, bugCheck };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a C driver\'s __try around IoCallDriver takes the exception a TypeScript driver below it raised with no frame of its own', { skip: NEEDS_CLANG }, async () => {
  const r = await mixed('\\Device\\SehForward', CTL_CODE(FILE_DEVICE_UNKNOWN, 0x920, METHOD_BUFFERED, FILE_ANY_ACCESS));
  assert.deepEqual(r, { status: STATUS.SUCCESS, output: STATUS.ACCESS_VIOLATION >>> 0, bugCheck: undefined });
});

test('a TypeScript driver\'s __try around IoCallDriver takes the exception a C driver raised (its __finally passes it on)', { skip: NEEDS_CLANG }, async () => {
  const r = await mixed('\\Device\\SehNeither', CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS));
  assert.deepEqual(r, { status: STATUS.SUCCESS, output: STATUS.DEVICE_NOT_READY >>> 0, bugCheck: undefined });
});
