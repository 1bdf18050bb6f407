/**
 * The machine snapshot (src/system/snapshot): a machine put back from its snapshot behaves byte for byte as a
 * freshly booted one. Random machine lives (sessions of requests, the unload checks at the end) run on one
 * machine restored before each, and on a fresh boot each; the stops, the coverage counters and the whole
 * dump (threads, pool, verifier state, the memory's mapped pages) must be the same, and for a few lives the
 * whole 4 GiB of memory too.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { DeviceRequest } from '../../src/system/run.ts';
import type { Session } from '../../src/fuzz/input.ts';
import { FuzzTarget } from '../../src/fuzz/target.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FUZZ_ME = join(ROOT, 'drivers', 'c', 'fuzz', 'FuzzMe.wasm');
const SAMPLE_IO = join(ROOT, 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');
// FuzzMe's COPY, MAGIC, ARM, FIRE (its planted bugs: test/fuzz/Fuzz.test.ts) and SampleIo's five methods.
const CODES = [0x222000, 0x222004, 0x222008, 0x22200c, 0x222400, 0x22a405, 0x22640a, 0x22240f, 0x222410];
const MAGIC = new Uint8Array([0xce, 0xfa, 0xed, 0xfe, 0x34, 0x12, 0, 0]);

const bytes = fc.oneof(fc.uint8Array({ maxLength: 32 }), fc.constant(MAGIC), fc.integer({ min: 0, max: 40 }).map((n) => new Uint8Array(n).fill(0x41)));
const request: fc.Arbitrary<DeviceRequest> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('ioctl' as const), code: fc.constantFrom(...CODES), input: bytes, outputLength: fc.constantFrom(0, 1, 4, 24, 0x1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), length: fc.constantFrom(0, 5, 0x100) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('write' as const), data: fc.uint8Array({ maxLength: 16 }) }) },
);
const life = fc.array(fc.array(request, { maxLength: 4 }) as fc.Arbitrary<Session>, { minLength: 1, maxLength: 4 });

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));

/** A machine life: the sessions until one stops the machine, else the unload checks; what a run observes of it. */
function run(t: FuzzTarget, sessions: readonly Session[]) {
  const stops = [];
  for (const s of sessions) {
    const stop = t.run(s);
    stops.push(stop);
    if (stop) break;
  }
  const counters = json([...t.counters()]);
  if (!stops[stops.length - 1]) stops.push(t.finish());
  return { stops: json(stops), counters, dump: json(t.machine.dump()) };
}

/** The pages (addresses) where two machines' memories differ, over the whole 4 GiB. */
function memoryDifferences(a: FuzzTarget, b: FuzzTarget): string[] {
  const x = Buffer.from(a.machine.kernel.as.memory.buffer);
  const y = Buffer.from(b.machine.kernel.as.memory.buffer);
  const out: string[] = [];
  const CHUNK = 1 << 20;
  for (let at = 0; at < 2 ** 32; at += CHUNK) {
    if (x.compare(y, at, at + CHUNK, at, at + CHUNK) === 0) continue;
    for (let p = at; p < at + CHUNK; p += 0x1000) if (x.compare(y, p, p + 0x1000, p, p + 0x1000) !== 0) out.push(`0x${p.toString(16)}`);
  }
  return out;
}

const targets: FuzzTarget[] = [];
after(() => targets.forEach((t) => t.dispose()));
const restored = async (driver: string) => {
  const t = await FuzzTarget.boot(driver, STANDARD_FLAGS, undefined, true, true);
  targets.push(t);
  return t;
};

for (const [name, driver] of [['FuzzMe', FUZZ_ME], ['SampleIo', SAMPLE_IO]] as const) {
  test(`${name}: random machine lives give the same stops, coverage and dump on a restored machine as on a fresh one`, async () => {
    const t = await restored(driver);
    let stops = 0;
    await fc.assert(
      fc.asyncProperty(life, async (sessions) => {
        t.reset();
        const r = run(t, sessions);
        const f = run(await FuzzTarget.boot(driver, STANDARD_FLAGS, undefined, true), sessions);
        assert.equal(r.stops, f.stops);
        assert.equal(r.counters, f.counters);
        assert.equal(r.dump, f.dump);
        if (r.stops.includes('bugcheck')) stops++;
      }),
      { numRuns: 12, seed: 15 },
    );
    if (name === 'FuzzMe') assert.ok(stops > 0, 'some lives stopped the machine (a restore after a bug check is covered)');
  });
}

test('FuzzMe: after a double free and a clean life, a restored machine holds the same 4 GiB as a fresh one', async () => {
  const t = await restored(FUZZ_ME);
  const arm: DeviceRequest = { kind: 'ioctl', code: 0x222008, input: new Uint8Array(0), outputLength: 0 };
  const fire: DeviceRequest = { kind: 'ioctl', code: 0x22200c, input: new Uint8Array(2), outputLength: 0 };
  const copy: DeviceRequest = { kind: 'ioctl', code: 0x222000, input: new Uint8Array(8).fill(7), outputLength: 0x1000 };
  const crash = run(t, [[arm, fire]]);
  assert.match(crash.stops, /"code":196,"params":\[19,/, 'ARM then FIRE with a partial ULONG: 0xC4/0x13');
  for (const sessions of [[[copy], [arm]], [[arm, arm]]] as Session[][]) {
    t.reset();
    const r = run(t, sessions);
    const fresh = await FuzzTarget.boot(FUZZ_ME, STANDARD_FLAGS, undefined, true);
    const f = run(fresh, sessions);
    assert.deepEqual(r, f);
    assert.deepEqual(memoryDifferences(t, fresh), []);
  }
});
