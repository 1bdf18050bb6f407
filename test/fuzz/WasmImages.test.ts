/**
 * Mutated driver images through the load path (`Machine.loadDriver`, as `dv run` loads them): each
 * loads, or fails to load with a clear SimulatorError (exit 2), or stops with a bug check of the
 * driver's own code, or hangs as a reported HangError; never another exception, never a hang of the
 * host (each load runs in a worker with a host-time limit). The parsers under the loader must fail
 * with MalformedWasmError. Seed fixed; `npm run fuzz:self -- --images N` runs more.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ImageRunner } from './wasm/image-runner.ts';
import { loadImage } from './wasm/load-image.ts';
import { imageMutationArb, mutate, readSample, sampleImages } from './wasm/mutate.ts';

const RUNS = 80;
const paths = sampleImages();
const bytes = paths.map(readSample);
const runner = new ImageRunner(60_000);
after(() => runner.close());

test('the samples are there to mutate, and each loads intact', async () => {
  assert.ok(paths.length >= 10, `found ${paths.length} sample images`);
  for (const p of ['drivers/c/rules/EverythingRight.wasm', 'drivers/c/MyDriver/MyDriver.wasm']) {
    const o = await loadImage(readSample(p), 'Intact');
    assert.notEqual(o.kind, 'failure', `${p}: ${JSON.stringify(o)}`);
    assert.notEqual(o.kind, 'load-error', `${p}: ${JSON.stringify(o)}`);
  }
});

test(`${RUNS} mutated images load, or fail with a clear load error or a driver bug check`, async () => {
  await fc.assert(
    fc.asyncProperty(imageMutationArb(paths.length), async (m) => {
      const o = await runner.load(mutate(bytes[m.image]!, m.mutations));
      assert.ok(o.kind !== 'failure' && o.kind !== 'host-hang', `${paths[m.image]} ${JSON.stringify(m.mutations)}: ${'message' in o ? o.message : ''}`);
    }),
    { seed: 0x1a6e5, numRuns: RUNS, includeErrorInReport: true },
  );
});

test('regression: a dylink.0 table size of 10^7 in a real sample is a load error (exit 2), not a RangeError from growing the table', async () => {
  // Found by this fuzzer and by issue 8 at the same time; the check lives in wasm-image.ts.
  const image = mutate(readSample('drivers/c/rules/EverythingRight.wasm'), [{ kind: 'dylink', field: 'tableSize', value: 10_000_000 }]);
  const o = await loadImage(image, 'HugeTable');
  assert.equal(o.kind, 'load-error', JSON.stringify(o));
  assert.match(o.kind === 'load-error' ? o.message : '', /dylink\.0 asks for 10000000 function table slots/);
});
