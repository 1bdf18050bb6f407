/**
 * The memory checks of the load-time rewrite (verified images): every load, store and bulk memory
 * operation gets an inline test of its granule's shadow byte, a call to the kernel's check only when
 * the shadow is not plainly accessible (or the access runs into the next granule), and the access
 * then uses the address the check answers. Checked on every committed module, and by running a small
 * hand-assembled module against a shadow we set.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ByteReader } from '../../../src/loader/wasm/reader.ts';
import { BULK_MEMORY, MEMORY_ACCESS, nextInstruction, skipLocals } from '../../../src/loader/wasm/instructions.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { MEMORY_CHECK_WRITE, rewriteModule, SHADOW_BASE_EXPORT } from '../../../src/loader/wasm/rewrite.ts';
import { trampolineModule } from '../../../src/loader/wasm/indirect.ts';
import { nameBytes, uleb } from '../../../src/loader/wasm/leb.ts';
import { SHADOW } from '../../../src/kernel/mm/shadow.ts';
import { ROOT } from '../../helpers.ts';

function wasmFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? wasmFiles(p) : f.endsWith('.wasm') ? [p] : [];
  });
}

const modules = [...wasmFiles(join(ROOT, 'drivers', 'c')), ...wasmFiles(join(ROOT, 'test', 'fixtures'))];
const BASE = { watchdogSlot: 7, codeBase: 0x9a3b1000, quantum: 65536, callSites: { base: 0x83ff0000, mask: 0xfffc }, moduleName: 'dv1' };
const CHECKED = { ...BASE, memoryChecks: { slot: 8, shadowBase: 0xa0000000 } };

function instructionsOf(bytes: Uint8Array): Array<{ op: number; start: number }> {
  const s = readWasmSections(bytes);
  const out: Array<{ op: number; start: number }> = [];
  for (const b of s.functionBodies) {
    const r = new ByteReader(bytes, 'body', s.code!.offset + b.start, s.code!.offset + b.end);
    skipLocals(r);
    while (r.left > 0) out.push(nextInstruction(r));
  }
  return out;
}

const isAccess = (op: number) => MEMORY_ACCESS.has(op) || op === BULK_MEMORY.copy || op === BULK_MEMORY.fill || op === BULK_MEMORY.init;

for (const file of modules) {
  test(`memory checks in ${relative(ROOT, file)}: valid, one check per access, every instruction maps back`, () => {
    const original = new Uint8Array(readFileSync(file));
    const r = rewriteModule(original, CHECKED);
    assert.ok(WebAssembly.validate(r.bytes), 'the rewritten module validates');
    const before = instructionsOf(original);
    assert.equal(r.accesses, before.filter((i) => isAccess(i.op)).length, 'one check per load, store and bulk operation');
    // Each original instruction is still there, in order, mapping to itself; what is inserted maps to the instruction it guards.
    const codeStart = readWasmSections(original).code!.offset;
    const after = instructionsOf(r.bytes);
    let j = 0;
    for (const ins of before) {
      const at = ins.start - codeStart;
      while (!(after[j]!.op === ins.op && r.toOriginal(after[j]!.start) === at)) {
        assert.equal(r.toOriginal(after[j]!.start), at, `inserted instruction ${j} maps to the instruction it guards`);
        j++;
      }
      j++;
      while (j < after.length && r.toOriginal(after[j]!.start) === at) j++;
    }
    assert.equal(j, after.length, 'nothing else was inserted');
    assert.ok(r.bytes.length < original.length + 80 * r.accesses + 40 * (r.loops + r.calls) + 4096, 'growth is bounded by the probes');
  });
}

/**
 * (module (import "env" "memory" (memory 1)) (import "env" "__indirect_function_table" (table 1 funcref))
 *   (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
 *   (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1))))
 */
function tinyModule(): Uint8Array<ArrayBuffer> {
  const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
  const body = (code: number[]) => [...uleb(code.length + 1), 0x00, ...code];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7e, 0]),
    ...section(2, [2, ...nameBytes('env'), ...nameBytes('memory'), 0x02, 0x00, 0x01,
      ...nameBytes('env'), ...nameBytes('__indirect_function_table'), 0x01, 0x70, 0x00, 0x01]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...nameBytes('load'), 0x00, 0, ...nameBytes('store'), 0x00, 1]),
    ...section(10, [2, ...body([0x20, 0, 0x28, 0x02, 0x04, 0x0b]), ...body([0x20, 0, 0x20, 1, 0x37, 0x03, 0x00, 0x0b])]),
  ];
  return new Uint8Array(bytes);
}

/** The tiny module rewritten with its shadow at 0x8000 of its one page (addresses below 0x8000 are shadowed). */
function checkedTiny(onCheck: (address: number, length: number, flags: number, pc: number) => number) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 2 });
  const check = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule({ params: [0x7f, 0x7f, 0x7f, 0x7f], results: [0x7f] })), { dv: { f: onCheck } });
  table.set(1, check.exports.f as never);
  const r = rewriteModule(tinyModule(), { ...BASE, watchdogSlot: 0, codeBase: 0, memoryChecks: { slot: 1, shadowBase: 0x8000 } });
  const e = new WebAssembly.Instance(new WebAssembly.Module(r.bytes), { env: { memory, __indirect_function_table: table } }).exports;
  const bytes = new Uint8Array(memory.buffer);
  bytes.fill(SHADOW.accessible, 0x8000, 0x8000 + 0x1000);
  return { load: e.load as (a: number) => number, store: e.store as (a: number, v: bigint) => void, bytes, view: new DataView(memory.buffer) };
}

test('an accessible granule costs no call; a poisoned one calls the check with the address, size, write flag and pc', () => {
  const calls: number[][] = [];
  const m = checkedTiny((a, n, f, pc) => (calls.push([a, n, f, pc]), a));
  m.view.setUint32(0x104, 0x11223344, true);
  assert.equal(m.load(0x100) >>> 0, 0x11223344, 'the load reads what is there');
  m.store(0x200, 0x0102030405060708n);
  assert.equal(m.view.getBigUint64(0x200, true), 0x0102030405060708n);
  assert.equal(calls.length, 0, 'shadow 8 everywhere: no call');
  m.bytes[0x8000 + (0x104 >> 3)] = SHADOW.poolFreed;
  m.bytes[0x8000 + (0x200 >> 3)] = 5; // only the first 5 bytes of the granule
  assert.equal(m.load(0x100) >>> 0, 0x11223344);
  m.store(0x200, 7n);
  assert.deepEqual(calls.map(([a, n, f]) => [a, n, f]), [[0x104, 4, 0], [0x200, 8, MEMORY_CHECK_WRITE]], 'the effective address (offset added), size and write flag');
  assert.ok(calls.every(([, , , pc]) => pc! > 0), 'the code address of the access');
});

test('an access that runs into the next granule is checked even when its first granule is accessible', () => {
  const calls: number[][] = [];
  const m = checkedTiny((a, n, f) => (calls.push([a, n, f]), a));
  m.load(0x102); // offset 4: bytes 0x106..0x109 cross from granule 0x100 into 0x108
  m.load(0x104); // 0x108..0x10b: one granule
  assert.deepEqual(calls, [[0x106, 4, 0]]);
});

test('the access uses the address the check answers: a suppressed access goes to scratch memory', () => {
  const m = checkedTiny((a) => (a === 0x304 ? 0x400 : a));
  m.bytes[0x8000 + (0x304 >> 3)] = SHADOW.noAccess;
  m.view.setUint32(0x304, 0xdead, true);
  m.view.setUint32(0x400, 0xbeef, true);
  assert.equal(m.load(0x300), 0xbeef, 'read from the address answered (the offset is applied once)');
});

test('a movable shadow (Force IRQL checking): the checks read the shadow at the base the exported global holds', () => {
  const calls: number[] = [];
  const memory = new WebAssembly.Memory({ initial: 1 });
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 2 });
  const check = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule({ params: [0x7f, 0x7f, 0x7f, 0x7f], results: [0x7f] })), { dv: { f: (a: number) => (calls.push(a), a) } });
  table.set(1, check.exports.f as never);
  const r = rewriteModule(tinyModule(), { ...BASE, watchdogSlot: 0, codeBase: 0, memoryChecks: { slot: 1, shadowBase: 0x8000, movableShadow: true } });
  const e = new WebAssembly.Instance(new WebAssembly.Module(r.bytes), { env: { memory, __indirect_function_table: table } }).exports;
  const bytes = new Uint8Array(memory.buffer);
  bytes.fill(SHADOW.accessible, 0x8000, 0x9000);
  bytes.fill(SHADOW.accessible, 0xa000, 0xb000);
  bytes[0x8000 + (0x104 >> 3)] = SHADOW.noAccess; // "trimmed" in the first shadow only
  const base = e[SHADOW_BASE_EXPORT] as WebAssembly.Global;
  assert.equal(base.value, 0x8000, 'the global starts at shadowBase');
  (e.load as (a: number) => number)(0x100);
  assert.deepEqual(calls, [0x104], 'the first shadow says no access');
  base.value = 0xa000;
  (e.load as (a: number) => number)(0x100);
  assert.deepEqual(calls, [0x104], 'the second says accessible: no call');
});
