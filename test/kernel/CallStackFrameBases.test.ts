/**
 * CallStacks.captureWithFrameBases: the same stack as capture(), with each wasm frame's base (the
 * stack pointer its call probe stored beside the call site) at the same index, 0 for kernel and
 * TypeScript frames, whose stack pointer no probe records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallStacks } from '../../src/kernel/ke/callstack.ts';

/** A machine's ring, as the probes write it: call sites and frame bases at the same byte offsets. */
function withRing(sites: number[], bases: number[]): CallStacks {
  const s = new CallStacks((pc) => pc >= 0x81000000 && pc < 0x82000000);
  s.readWasmCallSite = (x) => sites[x / 4]!;
  s.readWasmFrameBase = (x) => bases[x / 4]!;
  return s;
}

test('kernel frames, then the wasm frames of the gate, innermost first, each with its base', () => {
  const s = withRing([0x9a3b1003, 0x9a3b10cc, 0x9a3b113e], [0x8c007d60, 0x8c007d00, 0x8c007d00]);
  const got = s.frame(0x81904000, () =>
    s.KiCallDriverGate(() => {
      s.wasmSp = 12;
      return s.frame(0x81b2a01c, () => s.captureWithFrameBases());
    }),
  );
  assert.deepEqual(got.stack, [0x81b2a01c, 0x9a3b113e, 0x9a3b10cc, 0x9a3b1003, 0x81904000]);
  assert.deepEqual(got.frameBases, [0, 0x8c007d00, 0x8c007d00, 0x8c007d60, 0]);
  s.wasmSp = 0;
  const plain = s.frame(0x81904000, () =>
    s.KiCallDriverGate(() => {
      s.wasmSp = 12;
      return s.frame(0x81b2a01c, () => s.capture());
    }),
  );
  assert.deepEqual(got.stack, plain);
});

test('nested gates: each gate\'s own wasm frames keep their bases; the list stops where capture() stops', () => {
  const s = withRing([0x9a3b1010, 0x9a3b1020, 0x9a3b1030], [0x8c000100, 0x8c000200, 0x8c000300]);
  s.maxFrames = 4;
  const got = s.KiCallDriverGate(() => {
    s.wasmSp = 8;
    return s.frame(0x81100000, () =>
      s.KiCallDriverGate(() => {
        s.wasmSp = 12;
        return s.frame(0x81200000, () => s.captureWithFrameBases());
      }),
    );
  });
  assert.deepEqual(got.stack, [0x81200000, 0x9a3b1030, 0x81100000, 0x9a3b1020]);
  assert.deepEqual(got.frameBases, [0, 0x8c000300, 0, 0x8c000200]);
});

test('capture off: no frames, no bases', () => {
  const s = withRing([], []);
  s.captureEnabled = false;
  assert.deepEqual(s.captureWithFrameBases(), { stack: [], frameBases: [] });
});

test('a driver address the kernel pushed above the innermost gate (a fault in wasm code) gets the stack pointer now', () => {
  const s = withRing([0x9a3b1003], [0x8c007d60]);
  s.wasmStackPointer = () => 0x8c007d40;
  const got = s.KiCallDriverGate(() => {
    s.wasmSp = 4;
    // The memory check's stop: the faulting access, then the kernel's bug check frames.
    return s.frame(0x9a3b1058, () => s.frame(0x81b2a01c, () => s.captureWithFrameBases()));
  });
  assert.deepEqual(got.stack, [0x81b2a01c, 0x9a3b1058, 0x9a3b1003]);
  assert.deepEqual(got.frameBases, [0, 0x8c007d40, 0x8c007d60]);
});

test('a walk out of step with capture() (a ring rewritten under it) gives no bases rather than misplaced ones', () => {
  const sites = [0x9a3b1003, 0x9a3b10cc];
  const s = withRing(sites, [0x8c007d60, 0x8c007d00]);
  const original = s.capture.bind(s);
  // capture() sees one ring; the frame-base walk reads another.
  s.capture = () => {
    const out = original();
    sites[1] = 0x9a3b1111;
    return out;
  };
  const got = s.KiCallDriverGate(() => {
    s.wasmSp = 8;
    return s.captureWithFrameBases();
  });
  assert.deepEqual(got.stack, [0x9a3b10cc, 0x9a3b1003]);
  assert.deepEqual(got.frameBases, [0, 0]);
});
