/**
 * The load-time code rewrite: every committed driver module, rewritten, still validates; it has one
 * back-edge probe per `loop`; and every original instruction maps back to its own offset, so DWARF
 * lines, traps and callers resolve as they did before the rewrite.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ByteReader } from '../../../src/loader/wasm/reader.ts';
import { nextInstruction, OP, skipLocals, UnsupportedInstructionError } from '../../../src/loader/wasm/instructions.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { rewriteModule } from '../../../src/loader/wasm/rewrite.ts';
import { ROOT } from '../../helpers.ts';

function wasmFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? wasmFiles(p) : n.endsWith('.wasm') ? [p] : [];
  });
}
const modules = [...wasmFiles(join(ROOT, 'drivers', 'c')), ...wasmFiles(join(ROOT, 'test', 'fixtures'))];
const OPTIONS = { watchdogSlot: 7, codeBase: 0x9a3b1000, quantum: 65536, callSites: { base: 0x83ff0000, mask: 0xfffc }, moduleName: 'dv1' };

/** Every instruction of every body: module offsets, in order. */
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

test('there are committed driver modules to rewrite', () => assert.ok(modules.length >= 40, `${modules.length} modules`));

for (const file of modules) {
  test(`rewrite of ${relative(ROOT, file)}: valid, one probe per loop, every instruction maps back`, () => {
    const original = new Uint8Array(readFileSync(file));
    const r = rewriteModule(original, OPTIONS);
    assert.ok(WebAssembly.validate(r.bytes), 'the rewritten module validates');
    const before = instructionsOf(original);
    const after = instructionsOf(r.bytes);
    assert.equal(r.loops, before.filter((i) => i.op === OP.loop).length, 'one budget probe per loop');
    assert.equal(r.calls, before.filter((i) => i.op === OP.call || i.op === OP.callIndirect).length, 'one call-site probe per call');
    // The rewritten stream is the original with probes around some instructions, each probe's
    // instructions mapping to the instruction it stands for: walk both.
    const codeStart = readWasmSections(original).code!.offset;
    let j = 0;
    for (const ins of before) {
      const at = ins.start - codeStart;
      for (; !(after[j]!.op === ins.op && r.toOriginal(after[j]!.start) === at); j++) {
        assert.equal(r.toOriginal(after[j]!.start), at, `probe instruction ${j} (0x${after[j]!.op.toString(16)}) maps to the instruction after it`);
      }
      j++;
      while (j < after.length && r.toOriginal(after[j]!.start) === at) j++;
    }
    assert.equal(j, after.length, 'nothing else was inserted');
    assert.equal(r.toOriginal(0), undefined, 'the module header is not code');
  });
}

test('the probes pass the loop\'s code address to the watchdog slot, and push call sites on the ring', () => {
  const file = join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'Runaway.wasm');
  const original = new Uint8Array(readFileSync(file));
  const loop = instructionsOf(original).find((i) => i.op === OP.loop)!;
  const codeStart = readWasmSections(original).code!.offset;
  const r = rewriteModule(original, OPTIONS);
  const after = instructionsOf(r.bytes);
  const consts = after.filter((i) => i.op === OP.i32Const).map((i) => new ByteReader(r.bytes, 'c', i.start + 1).sleb('c', 5) >>> 0);
  assert.ok(consts.includes(OPTIONS.codeBase + loop.start - codeStart), 'the loop address is passed');
  assert.ok(consts.includes(OPTIONS.watchdogSlot), 'the watchdog slot is called');
  const stores = after.filter((i) => i.op === OP.i32Store).map((i) => new ByteReader(r.bytes, 's', i.start + 2).u32leb('offset'));
  assert.ok(stores.includes(OPTIONS.callSites.base), 'call sites are stored at the ring\'s base (plus the masked counter)');
});

test('instructions the rewriter cannot take apart are refused by name', () => {
  const decode = (...bytes: number[]) => nextInstruction(new ByteReader(new Uint8Array(bytes), 'body'));
  assert.throws(() => decode(0xfd, 0x0c), (e: unknown) => e instanceof UnsupportedInstructionError && /SIMD instruction at 0x0/.test(e.message));
  assert.throws(() => decode(0xff), (e: unknown) => e instanceof UnsupportedInstructionError && /unknown opcode 0xff at 0x0/.test(e.message));
  assert.throws(() => decode(0xfc, 0x40), (e: unknown) => e instanceof UnsupportedInstructionError && /unknown instruction 0xfc 64/.test(e.message));
  assert.deepEqual(decode(0x0e, 0x02, 0x00, 0x01, 0x02), { op: 0x0e, start: 0, end: 5 }, 'br_table: count, targets and default');
  assert.deepEqual(decode(0xfc, 0x0a, 0x00, 0x00), { op: 0xfc0a, start: 0, end: 4 }, 'memory.copy');
  assert.deepEqual(decode(0x36, 0x02, 0x80, 0x01), { op: 0x36, start: 0, end: 4 }, 'i32.store with a two-byte offset');
});
