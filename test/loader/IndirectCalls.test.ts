/** The function-table entries MmGetSystemRoutineAddress gives a wasm driver: the type its own call sites use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abiParams, chooseType, indirectCallTypes, trampolineModule, type FuncType } from '../../src/loader/wasm/indirect.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

const I32 = 0x7f as const;
const I64 = 0x7e as const;

test('the ABI parameters: i64 where the ABI passes one, a leading result pointer for a LARGE_INTEGER result', () => {
  assert.deepEqual(abiParams('ExAllocatePool2', 3), [I64, I32, I32]);
  assert.deepEqual(abiParams('KeQueryPerformanceCounter', 1), [I32, I32]);
  assert.deepEqual(abiParams('IoCreateDevice', 7), Array(7).fill(I32));
});

test("the type is the driver's own call-site type with those parameters, one with a result preferred", () => {
  const voidFn: FuncType = { params: [I32], results: [] };
  const intFn: FuncType = { params: [I32], results: [I32] };
  assert.deepEqual(chooseType([I32], [voidFn]), voidFn);
  assert.deepEqual(chooseType([I32], [voidFn, intFn]), intFn);
  assert.deepEqual(chooseType([I32, I32], [voidFn]), { params: [I32, I32], results: [I32] }, 'never called that way: a default');
});

test("ExKe.wasm's call sites name the types of the routines it looks up: (i32, i32) -> () and (i32) -> i32", () => {
  const types = indirectCallTypes(readFileSync(join(ROOT, 'test', 'fixtures', 'c', 'exke', 'ExKe.wasm')));
  assert.ok(types.some((t) => t.params.length === 2 && t.results.length === 0), JSON.stringify(types));
  assert.ok(types.some((t) => t.params.length === 1 && t.results.length === 1), JSON.stringify(types));
});

test('a trampoline module imports dv.f of the type and exports it, so it can enter a function table', () => {
  const type: FuncType = { params: [I64, I32], results: [I32] };
  const calls: unknown[][] = [];
  const instance = new WebAssembly.Instance(new WebAssembly.Module(trampolineModule(type)), { dv: { f: (...a: unknown[]) => (calls.push(a), 7) } });
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
  table.set(0, instance.exports.f as Function);
  assert.equal((table.get(0) as (a: bigint, b: number) => number)(5n, 6), 7);
  assert.deepEqual(calls, [[5n, 6]]);
});
