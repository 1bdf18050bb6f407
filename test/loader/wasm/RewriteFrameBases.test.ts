/**
 * The call probes' frame-base ring (rewrite.ts): beside each call's code address, at the same ring
 * offset, the probe stores the image's `__stack_pointer` as the call is made (the frame base DWARF's
 * DW_OP_fbreg locals count from), or 0 when the module imports no stack pointer. Checked by running a
 * hand-assembled module whose one function sets its stack pointer and calls the host.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameBytes, sleb, uleb } from '../../../src/loader/wasm/leb.ts';
import { rewriteModule } from '../../../src/loader/wasm/rewrite.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';

const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** `run()`: sets __stack_pointer to 0x1230 (when it imports one), then calls the host's `f`. */
function module(withStackPointer: boolean): Uint8Array {
  const imports = [
    [...nameBytes('env'), ...nameBytes('memory'), 0x02, 0x00, 0x01],
    [...nameBytes('env'), ...nameBytes('f'), 0x00, 0x00],
    ...(withStackPointer ? [[...nameBytes('env'), ...nameBytes('__stack_pointer'), 0x03, 0x7f, 0x01]] : []),
  ];
  const body = [0x00, ...(withStackPointer ? [0x41, ...sleb(0x1230), 0x24, 0x00] : []), 0x10, 0x00, 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 0x00, 0x00]])),
    ...section(2, vec(imports)),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...nameBytes('run'), 0x00, 0x01]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

const RING = { base: 0x100, mask: 0xfc, frameBases: 0x200 };

function runIt(withStackPointer: boolean, frameBases: boolean) {
  const original = module(withStackPointer);
  assert.equal(readWasmSections(original).stackPointerGlobal, withStackPointer ? 0 : undefined);
  const r = rewriteModule(original, { watchdogSlot: 0, codeBase: 0x9a3b1000, quantum: 1000, callSites: frameBases ? RING : { base: RING.base, mask: RING.mask }, moduleName: 'fb' });
  const memory = new WebAssembly.Memory({ initial: 1 });
  const view = new DataView(memory.buffer);
  view.setUint32(RING.frameBases, 0xffffffff, true);
  const seen: number[] = [];
  const env: Record<string, unknown> = {
    memory,
    __indirect_function_table: new WebAssembly.Table({ element: 'anyfunc', initial: 1 }),
    f: () => seen.push(view.getUint32(RING.base, true), view.getUint32(RING.frameBases, true)),
  };
  if (withStackPointer) env.__stack_pointer = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
  const e = new WebAssembly.Instance(new WebAssembly.Module(r.bytes), { env: env as WebAssembly.ModuleImports }).exports;
  (e.run as () => void)();
  return seen;
}

test('a call stores its code address and the stack pointer at the same ring offset', () => {
  const [pc, base] = runIt(true, true);
  assert.ok(pc! >= 0x9a3b1000, 'the call site, as a code address');
  assert.equal(base, 0x1230);
});

test('a module without __stack_pointer stores 0: no frame base is known', () => {
  assert.equal(runIt(false, true)[1], 0);
});

test('without a frame-base ring the probe leaves that memory alone', () => {
  assert.equal(runIt(true, false)[1], 0xffffffff);
});
