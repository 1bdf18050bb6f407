/** The load-time Asyncify transform (src/loader/wasm/asyncify.ts): which images get it, and its map back to the original code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ASYNCIFY, asyncifyModule, needsAsyncify } from '../../src/loader/wasm/asyncify.ts';
import { nextInstruction, OP, skipLocals } from '../../src/loader/wasm/instructions.ts';
import { ByteReader } from '../../src/loader/wasm/reader.ts';
import { readWasmSections } from '../../src/loader/wasm/sections.ts';
import { ROOT } from '../helpers.ts';

test('only an image that starts system threads and imports a wait is transformed', () => {
  assert.equal(needsAsyncify(['PsCreateSystemThread', 'KeWaitForSingleObject']), true);
  assert.equal(needsAsyncify(['PsCreateSystemThread', 'KeDelayExecutionThread']), true);
  assert.equal(needsAsyncify(['KeWaitForSingleObject', 'IoCreateDevice']), false);
  assert.equal(needsAsyncify(['PsCreateSystemThread', 'KeSetEvent']), false);
});

/** Each `call` of a module: [Code-section offset, callee index]. */
function calls(bytes: Uint8Array): Array<[number, number]> {
  const s = readWasmSections(bytes);
  const out: Array<[number, number]> = [];
  for (const body of s.functionBodies) {
    const r = new ByteReader(bytes, 'code', s.code!.offset + body.start, s.code!.offset + body.end);
    skipLocals(r);
    while (r.left > 0) {
      const i = nextInstruction(r);
      if (i.op === OP.call) out.push([i.start - s.code!.offset, new ByteReader(bytes, 'call', i.start + 1).u32leb('callee')]);
    }
  }
  return out;
}

test('the transformed image unwinds and rewinds, and each of its calls maps back to the same call in the original code', () => {
  const original = new Uint8Array(readFileSync(join(ROOT, 'test', 'fixtures', 'c', 'threads', 'BlockingThreads.wasm')));
  const a = asyncifyModule(original);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(a.bytes)).map((e) => e.name);
  for (const name of Object.values(ASYNCIFY)) assert.ok(exports.includes(name), `exports ${name}`);
  const before = new Map(calls(original));
  const after = calls(a.bytes);
  assert.equal(after.length, before.size, 'Asyncify adds no direct calls');
  for (const [offset, callee] of after) assert.equal(before.get(a.toOriginal(offset)!), callee, `the call at 0x${offset.toString(16)}`);
  // The same image again (a second load in this process) is the same transform.
  assert.equal(asyncifyModule(original), a);
});
