/** The TypeScript loader's call-site instrumentation keeps the program's meaning and records exact callers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instrumentCalls } from '../../src/loader/ts/instrument.ts';
import { analyzeSource, transpile } from '../../src/loader/ts/source.ts';

/** Run instrumented code with recorders that log the pc of each call. */
async function run(source: string): Promise<{ result: unknown; pcs: number[] }> {
  const t = await transpile('x.ts', source);
  const info = analyzeSource(source, t);
  const js = instrumentCalls(t.js, info.calls, (offset) => 0x1000 + offset).replace(/^export /gm, '');
  const pcs: number[] = [];
  const __dvc = (pc: number, f: (...a: unknown[]) => unknown, ...a: unknown[]) => (pcs.push(pc), f(...a));
  const __dvm = (pc: number, o: Record<string, (...a: unknown[]) => unknown>, k: string, ...a: unknown[]) => (pcs.push(pc), o[k]!.apply(o, a));
  const __dvt = (pc: number, v: unknown) => (pcs.push(pc), v);
  const result = new Function('__dvc', '__dvm', '__dvt', `${js}\nreturn main();`)(__dvc, __dvm, __dvt);
  return { result, pcs };
}

const at = (source: string, needle: string, nth = 0) => {
  let i = -1;
  for (let n = 0; n <= nth; n++) i = source.indexOf(needle, i + 1);
  return 0x1000 + i;
};

test('nested calls: arguments run first, then the outer call records its own site', async () => {
  const src = 'function add(a: number, b: number) { return a + b; }\nexport function main() { return add(add(1, 2), Math.max(3, 4)); }\n';
  const { result, pcs } = await run(src);
  assert.equal(result, 7);
  assert.deepEqual(pcs, [at(src, 'add', 2), at(src, 'max'), at(src, 'add', 1)]);
});

test('method calls keep their receiver; computed members and chained calls work', async () => {
  const src = 'export function main() { const o = { v: 5, get() { return this.v; } }; const k = "get"; return [o.get(), o[k](), [3, 1, 2].slice().sort().join(",")]; }\n';
  assert.deepEqual((await run(src)).result, [5, 5, '1,2,3']);
});

test('a call made on the result of a call is wrapped outside it', async () => {
  const src = 'function mk() { return { f: () => 9 }; }\nexport function main() { return mk().f(); }\n';
  const { result, pcs } = await run(src);
  assert.equal(result, 9);
  assert.deepEqual(pcs, [at(src, 'mk()', 1), at(src, 'f()')]);
});

test('a throw records where it was thrown (its expression, as the source map places it), its value unchanged', async () => {
  const src = 'function fail(): Error { return new Error("boom"); }\nexport function main() { try { throw fail(); } catch (e) { return (e as Error).message; } }\n';
  const { result, pcs } = await run(src);
  assert.equal(result, 'boom');
  assert.deepEqual(pcs, [at(src, 'fail()', 1), at(src, 'fail()', 1)]);
});
