/**
 * The C++ sample, drivers/cpp/MyCppDriver: classes, a template ring, an RAII spin-lock guard, global
 * and placement new over ExAllocatePool2, and a global request log whose destructor frees it at
 * unload. It runs clean under /standard; its leaky twin (-D CPP_SAMPLE_LEAK_AT_UNLOAD) stops at
 * unload with 0xC4/0x62, and the report names the C++ member function and its source line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from '../../src/nt/io.ts';
import { formatTag } from '../../src/nt/pool.ts';
import { runDriver, type IoctlRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

const DIR = join('drivers', 'cpp', 'MyCppDriver');
const SOURCES = readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith('.cpp')).map((f) => join(DIR, f));
const IOCTL_MYCPP_PUSH = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_MYCPP_POP = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_MYCPP_QUERY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const push = (n: number): IoctlRequest => ({ code: IOCTL_MYCPP_PUSH, input: u32(n), outputLength: 0 });
const pop: IoctlRequest = { code: IOCTL_MYCPP_POP, input: new Uint8Array(0), outputLength: 4 };
const query: IoctlRequest = { code: IOCTL_MYCPP_QUERY, input: new Uint8Array(0), outputLength: 12 };
/** An IOCTL the device does not know: STATUS_INVALID_DEVICE_REQUEST, the leaky twin's forgotten path. */
const unknown: IoctlRequest = { code: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x8ff, METHOD_BUFFERED, FILE_ANY_ACCESS), input: new Uint8Array(0), outputLength: 0 };
const SCRIPT = [push(5), push(7), pop, query, unknown];

async function runSample(defines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-cpp-'));
  try {
    const driver = join(dir, 'MyCppDriver.wasm');
    // Relative sources from the repository root, as a user types them: ln shows drivers/cpp/... paths.
    const built = buildDriver({ sources: SOURCES.map((s) => join(ROOT, s)), output: driver, defines });
    assert.ok(built.ok, built.diagnostics);
    return await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: SCRIPT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('MyCppDriver runs clean under /standard: the ring, the globals, and the log its destructor frees at unload', { skip: NEEDS_CLANG }, async () => {
  const r = await runSample([]);
  assert.equal(r.bugCheck, null);
  assert.ok(r.unloaded);
  const [pushed5, pushed7, popped, state, bad] = r.requests;
  assert.equal(pushed5!.status, 0);
  assert.equal(pushed7!.status, 0);
  assert.deepEqual([popped!.status, popped!.information, Buffer.from(popped!.output).readUInt32LE(0)], [0, 4, 5]);
  const s = Buffer.from(state!.output);
  // Constructed before DriverEntry; one value left; the log holds the three requests before this one (and create).
  assert.deepEqual([s.readUInt32LE(0), s.readUInt32LE(4), s.readUInt32LE(8)], [1, 1, 4]);
  assert.equal(hex(bad!.status), '0xc0000010');
  // The log's entries are freed only by ~RequestLog: nothing is left for the unload check.
  assert.equal(r.leakCount, 0);
});

test('its leaky twin stops at unload with 0xC4/0x62, naming RequestLog::Append and its line in log.cpp', { skip: NEEDS_CLANG }, async () => {
  const r = await runSample(['CPP_SAMPLE_LEAK_AT_UNLOAD']);
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!), r.bugCheck!.params[3]], ['0xc4', '0x62', 1]);
  assert.deepEqual(r.leaks.map((a) => `${formatTag(a.tag)} ${hex(a.size)}`), ['mCpp 0xc']);
  const t = new DebugTarget(r.dump);
  const caller = r.leaks[0]!.caller;
  assert.equal(t.functionName(caller), 'MyCppDriver!RequestLog::Append');
  assert.match(execute(t, `ln ${caller.toString(16)}`).join('\n'), /^drivers\/cpp\/MyCppDriver\/log\.cpp\(19\)\+0x[0-9a-f]+\n\([0-9a-f]{8}\)   MyCppDriver!RequestLog::Append\+0x[0-9a-f]+ /);
  assert.match(execute(t, '!verifier 3 MyCppDriver.sys').join('\n'), /0x0000000c  mCpp  0x[0-9a-f]{8}  MyCppDriver!RequestLog::Append$/m);
});
