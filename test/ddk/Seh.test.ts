/**
 * Structured exception handling in C drivers runs: __try/__except takes the exceptions DDIs raise
 * (ProbeForRead on a bad user buffer returns the driver's error status, no bug check), filters see
 * the real code, __finally runs, a declined exception goes outwards, and one no handler takes is
 * KMODE_EXCEPTION_NOT_HANDLED with the code and the raise's address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from '../../src/nt/io.ts';
import { STATUS } from '../../src/nt/status.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { runDriver } from '../../src/system/run.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { parseFlags } from '../../src/verifier/settings.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

const source = join(ROOT, 'test', 'fixtures', 'c', 'seh', 'SehDriver.c');
const IOCTL_SEH = (n: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900 + n, METHOD_BUFFERED, FILE_ANY_ACCESS);
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dv-seh-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const built = new Map<string, string>();
function build(name: string, defines: string[] = []): string {
  const driver = join(dir, `${name}.wasm`);
  if (built.has(name)) return driver;
  built.set(name, driver);
  const result = buildDriver({ sources: [source], output: driver, defines });
  assert.ok(result.ok, result.diagnostics);
  return driver;
}

/** Send IOCTL_SEH(n); the driver answers with the ULONGs of its trail. */
async function trail(n: number): Promise<number[]> {
  const outcome = await runDriver({ driver: build('Seh'), verifierFlags: parseFlags('standard'), ioctls: [{ code: IOCTL_SEH(n), input: new Uint8Array(0), outputLength: 64 }] });
  assert.equal(outcome.bugCheck, null, `IOCTL ${n}: ${JSON.stringify(outcome.bugCheck)}`);
  const r = outcome.requests[0]!;
  assert.equal(r.status, STATUS.SUCCESS);
  const view = new DataView(r.output.buffer, r.output.byteOffset, r.information);
  return Array.from({ length: r.information / 4 }, (_, i) => view.getUint32(4 * i, true));
}

test('ProbeForRead of a kernel address inside __try: the handler returns STATUS_ACCESS_VIOLATION, no bug check', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(0), [STATUS.ACCESS_VIOLATION]);
});

test('ProbeForRead of a misaligned user address: STATUS_DATATYPE_MISALIGNMENT', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(1), [STATUS.DATATYPE_MISALIGNMENT]);
});

test('ProbeForRead of a good user range, or of zero bytes anywhere, raises nothing', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(2), [1, STATUS.SUCCESS, 1, STATUS.SUCCESS]);
});

test('an exception from deep calls: the __finally block runs abnormally, the filter sees the code and takes it', { skip: NEEDS_CLANG }, async () => {
  // 0x201 finally (AbnormalTermination), 0x101 filter saw the right code, 0x300 inner handler, outer saw nothing.
  assert.deepEqual(await trail(3), [0x201, 0x101, 0x300, 0]);
});

test('a filter that declines: the exception goes on to the outer handler with its code', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(4), [0x201, 0x101, 0x400, STATUS.ACCESS_DENIED]);
});

test('__leave skips the rest of the body, and __finally runs after __leave and after a normal end', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(5), [1 | 4 | 8 | 16]);
});

test('EXCEPTION_CONTINUE_EXECUTION on a noncontinuable exception raises STATUS_NONCONTINUABLE_EXCEPTION outwards', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(6), [STATUS.NONCONTINUABLE_EXCEPTION]);
});

test('return from inside __try removes its frame: a later exception goes to the caller\'s handler', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(7), [0xc0000102]);
});

test('ExAllocatePool2 with POOL_FLAG_RAISE_ON_FAILURE raises STATUS_INSUFFICIENT_RESOURCES when it cannot allocate', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(9), [STATUS.INSUFFICIENT_RESOURCES]);
});

test('DDIs that raise reach __except: DbgBreakPoint with no debugger, KeReleaseSemaphore past its limit, quota pool that fails, __debugbreak', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(10), [0x80000003, 0xc0000047, STATUS.INSUFFICIENT_RESOURCES, 0x80000003]);
});

test('a DDI called through a function pointer of the driver\'s own (its GOT.func slot, call_indirect) runs', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await trail(11), [0x600d]);
});

test('break and continue in an __except handler reach the enclosing loop or switch, as with MSVC', { skip: NEEDS_CLANG }, async () => {
  // Iterations 0 and 2 run to the end of the loop body; 1's handler continues the loop, 3's breaks it.
  assert.deepEqual(await trail(12), [0x1 | 0x100 | 0x4 | 0x400, 3, STATUS.INVALID_PARAMETER]);
});

test('an exception no handler takes is KMODE_EXCEPTION_NOT_HANDLED: the code, and the address in the raising function', { skip: NEEDS_CLANG }, async () => {
  const outcome = await runDriver({ driver: build('Seh'), verifierFlags: parseFlags('standard'), ioctls: [{ code: IOCTL_SEH(8), input: new Uint8Array(0), outputLength: 64 }] });
  assert.equal(outcome.bugCheck?.code, BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED);
  assert.equal(outcome.bugCheck?.params[0], 0xc00000a3);
  assert.match(execute(new DebugTarget(outcome.dump), '!analyze -v').join('\n'), /SYMBOL_NAME:\s+Seh!Dispatch\+0x[0-9a-f]+/);
});

test('ExRaiseStatus in DriverEntry with no __try stops the load with KMODE_EXCEPTION_NOT_HANDLED', { skip: NEEDS_CLANG }, async () => {
  const outcome = await runDriver({ driver: build('SehUnhandled', ['SEH_UNHANDLED']), verifierFlags: parseFlags('standard'), ioctls: [] });
  assert.equal(outcome.bugCheck?.code, BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED);
  assert.equal(outcome.bugCheck?.params[0], STATUS.NOT_SUPPORTED);
});

test('__try works in C++ too: ProbeForRead of a kernel address in DriverEntry is taken by the handler', { skip: NEEDS_CLANG }, async () => {
  const driver = join(dir, 'SehProbe.wasm');
  const result = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'cpp', 'SehProbe.cpp')], output: driver });
  assert.ok(result.ok, result.diagnostics);
  const outcome = await runDriver({ driver, verifierFlags: parseFlags('standard'), ioctls: [] });
  assert.equal(outcome.bugCheck, null);
});
