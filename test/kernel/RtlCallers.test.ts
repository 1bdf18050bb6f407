/**
 * RtlGetCallersAddress and _ReturnAddress(): addresses inside the caller and the caller's caller,
 * read from the machine's call stacks; kernel frames in between do not count.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { runDriver } from '../../src/system/run.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT, hex } from '../helpers.ts';
import { scratch } from './support.ts';

/** Driver code addresses: outside the kernel image, in the order the calls nest. */
const [SITE_IN_H, SITE_IN_G, SITE_IN_F] = [0x9a001010, 0x9a002020, 0x9a003030];

function callers(k: Kernel, frames: readonly number[]): [number, number] {
  const out = scratch(k, 8);
  k.as.setU32(out, 0xffffffff);
  k.as.setU32(out + 4, 0xffffffff);
  const call = (i: number): void => {
    if (i === frames.length) k.ddi.RtlGetCallersAddress(out, out + 4);
    else k.stacks.callAt(frames[i]!, () => call(i + 1));
  };
  k.stacks.KiCallDriverGate(() => call(0));
  return [k.as.u32(out), k.as.u32(out + 4)];
}

test("RtlGetCallersAddress: F's caller and that caller's caller, as call sites", () => {
  const k = new Kernel();
  // H calls G at SITE_IN_H, G calls F at SITE_IN_G, F calls RtlGetCallersAddress at SITE_IN_F.
  assert.deepEqual(callers(k, [SITE_IN_H, SITE_IN_G, SITE_IN_F]).map(hex), [hex(SITE_IN_G), hex(SITE_IN_H)]);
});

test('RtlGetCallersAddress: a frame the stack does not reach is NULL', () => {
  const k = new Kernel();
  assert.deepEqual(callers(k, [SITE_IN_G, SITE_IN_F]).map(hex), [hex(SITE_IN_G), '0x0']);
  assert.deepEqual(callers(k, [SITE_IN_F]), [0, 0]);
});

test('RtlGetCallersAddress: kernel frames (a routine that called back into the driver) are not callers', () => {
  const k = new Kernel();
  const out = scratch(k, 8);
  const kernelPc = k.nt.address('IofCallDriver');
  k.stacks.KiCallDriverGate(() =>
    k.stacks.callAt(SITE_IN_H, () => k.stacks.frame(kernelPc, () => k.stacks.callAt(SITE_IN_G, () => k.stacks.callAt(SITE_IN_F, () => k.ddi.RtlGetCallersAddress(out, out + 4))))),
  );
  assert.deepEqual([k.as.u32(out), k.as.u32(out + 4)].map(hex), [hex(SITE_IN_G), hex(SITE_IN_H)]);
});

test('a C driver: _ReturnAddress() and RtlGetCallersAddress in Inner name Outer and DriverEntry', { skip: NEEDS_CLANG }, async () => {
  const wasm = join(mkdtempSync(join(tmpdir(), 'dv-callers-')), 'Callers.wasm');
  const built = buildDriver({ sources: [join('test', 'fixtures', 'c', 'habits', 'Callers.c')], output: wasm });
  assert.ok(built.ok, built.diagnostics);
  const r = await runDriver({ driver: wasm, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0xdeadca11');
  const [returnAddress, callersAddress, callersCaller] = r.bugCheck!.params;
  assert.equal(returnAddress, callersAddress, '_ReturnAddress() is RtlGetCallersAddress\'s first answer');
  const t = new DebugTarget(r.dump);
  assert.equal(t.functionName(callersAddress!), 'Callers!Outer');
  assert.equal(t.functionName(callersCaller!), 'Callers!DriverEntry');
  // The call site of Inner(), on its line.
  assert.match(execute(t, `ln ${callersAddress!.toString(16)}`)[0]!, /^test\/fixtures\/c\/habits\/Callers\.c\(15\)\+0x[0-9a-f]+$/);
});
