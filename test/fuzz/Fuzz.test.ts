/**
 * dv fuzz finds the bugs planted in FuzzMe (drivers/c/fuzz) behind nested conditions, from a fixed seed in a
 * bounded number of inputs; each reproducer is minimized, bucketed as !analyze buckets it, and replays to the
 * same stop with `dv run --scenario`. The clean SampleIo survives its inputs with no finding.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDictionary } from '../../src/fuzz/dictionary.ts';
import { fuzz, type Finding } from '../../src/fuzz/fuzzer.ts';
import { CoverageMap } from '../../src/fuzz/coverage-map.ts';
import { methodOf } from '../../src/fuzz/input.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FUZZ_ME = join(ROOT, 'drivers', 'c', 'fuzz', 'FuzzMe.wasm');
const SAMPLE_IO = join(ROOT, 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');
const COPY = 0x222000, MAGIC = 0x222004, ARM = 0x222008, FIRE = 0x22200c;
const tmp = mkdtempSync(join(tmpdir(), 'dv-fuzz-'));
const dv = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const le32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

test("the dictionary: FuzzMe's control codes (its switch's cases) and the values it compares against", () => {
  const d = readDictionary(FUZZ_ME);
  for (const c of [COPY, MAGIC, ARM, FIRE]) assert.ok(d.controlCodes.includes(c), `0x${c.toString(16)} in ${d.controlCodes.map((x) => x.toString(16))}`);
  assert.ok(d.values.includes(0xfeedface) && d.values.includes(0x1234), `${d.values.map((x) => x.toString(16))}`);
  assert.equal(methodOf(0x22a405), 'METHOD_IN_DIRECT');
  assert.equal(methodOf(0x22240f), 'METHOD_NEITHER');
});

test('coverage: a new block, or a block run a new number of times, is new; the same counts again are not', () => {
  const map = new CoverageMap();
  assert.equal(map.record(new Uint32Array([0, 0]), new Uint32Array([1, 0])), true);
  assert.equal(map.record(new Uint32Array([5, 0]), new Uint32Array([6, 0])), false);
  assert.equal(map.record(new Uint32Array([0, 0]), new Uint32Array([9, 0])), true, '9 runs is a new hit-count class');
  assert.equal(map.hit, 1);
});

// Seed 3 reaches all four within 270 inputs (measured, with the value profile on); 400 leaves room and stays a few seconds of CPU.
const RUNS = 400;
let findings: readonly Finding[] = [];

test(`FuzzMe: seed 3 finds the four planted bugs within ${RUNS} inputs, each minimized and written as a scenario`, async () => {
  const r = await fuzz({ driver: FUZZ_ME, flags: STANDARD_FLAGS, seed: 3, runs: RUNS, outDir: tmp });
  findings = r.findings;
  const by = new Map(r.findings.map((f) => [f.bucket, f]));
  assert.deepEqual([...by.keys()].sort(), ['0x44_VRF_FuzzMe!FuzzDeviceControl', '0xc4_13_VRF_FuzzMe!FuzzDeviceControl', '0xc4_62_VRF_LEAKED_POOL_IMAGE_FuzzMe.sys', '0xd6_VRF_FuzzMe!FuzzDeviceControl']);
  assert.equal(r.unreproduced, 0);
  assert.ok(r.findings.every((f) => f.verified === true && f.file !== undefined));
  const only = (bucket: string) => {
    const f = by.get(bucket)!;
    return f.sessions.flat();
  };
  // The off-by-one: exactly the record's size (24 bytes) writes one past it: the memory checks stop it (0xD6).
  const overrun = only('0xd6_VRF_FuzzMe!FuzzDeviceControl');
  assert.equal(overrun.length, 1);
  assert.ok(overrun[0]!.kind === 'ioctl' && overrun[0]!.code === COPY && overrun[0]!.input.length === 24);
  // The magic value and its command, nothing more: completed twice (0x44).
  const magic = only('0x44_VRF_FuzzMe!FuzzDeviceControl');
  assert.equal(magic.length, 1);
  assert.ok(magic[0]!.kind === 'ioctl' && magic[0]!.code === MAGIC && magic[0]!.input.length === 8);
  assert.equal(le32(magic[0]!.input, 0), 0xfeedface);
  assert.equal(le32(magic[0]!.input, 4), 0x1234);
  // ARM must come first; then FIRE's error path (a partial ULONG) frees the context twice (0xC4/0x13).
  const doubleFree = only('0xc4_13_VRF_FuzzMe!FuzzDeviceControl');
  assert.deepEqual(doubleFree.map((q) => (q.kind === 'ioctl' ? q.code : -1)), [ARM, FIRE]);
  assert.ok(doubleFree[1]!.kind === 'ioctl' && doubleFree[1]!.input.length >= 1 && doubleFree[1]!.input.length < 4);
  // Armed twice, the first context leaks: found at the unload (0xC4/0x62).
  assert.deepEqual(only('0xc4_62_VRF_LEAKED_POOL_IMAGE_FuzzMe.sys').map((q) => (q.kind === 'ioctl' ? q.code : -1)), [ARM, ARM]);
});

test('each written reproducer replays with dv run --scenario to the same stop (exit 0: the expected bug check came)', () => {
  assert.equal(findings.length, 4, 'the fuzzing test ran first');
  const magic = findings.find((f) => f.bucket.startsWith('0x44'))!;
  const text = readFileSync(magic.file!, 'utf8');
  assert.match(text, /^# Found by dv fuzz; minimized to 1 request\(s\), 8 byte\(s\)/);
  assert.match(text, /bugcheck: "?0x44"?/);
  for (const f of findings) {
    const r = dv('run', '--scenario', f.file!);
    assert.equal(r.code, 0, `${f.file}: ${r.out}${r.err}`);
    const code = f.stop.kind === 'bugcheck' ? f.stop.code.toString(16).toUpperCase() : '';
    assert.match(r.out, new RegExp(`-> bug check 0x${code}/`), r.out);
  }
});

test('SampleIo, a clean driver, survives 300 inputs with no finding, and its switch cases seed the run', async () => {
  const r = await fuzz({ driver: SAMPLE_IO, flags: STANDARD_FLAGS, seed: 1, runs: 300 });
  assert.deepEqual(r.findings, []);
  assert.equal(r.duplicates + r.unreproduced, 0);
  assert.equal(r.inputs, 300);
  for (const c of [0x222400, 0x22a405, 0x22640a, 0x22240f, 0x222410]) assert.ok(r.codes.includes(c), `0x${c.toString(16)}`);
  assert.ok(r.coverage.hit > 50 && r.coverage.hit < r.coverage.sites, `${r.coverage.hit} of ${r.coverage.sites} blocks`);
});

test('--corpus: the inputs that ran something new are saved, and a later run starts from them with the same coverage', async () => {
  const dir = join(tmp, 'corpus');
  const a = await fuzz({ driver: SAMPLE_IO, flags: STANDARD_FLAGS, seed: 1, runs: 150, corpusDir: dir });
  const saved = readdirSync(dir).filter((n) => n.endsWith('.json'));
  assert.equal(saved.length, a.corpus - a.codes.length, 'every input that joined the corpus, and only those (the seeds are not saved)');
  assert.ok(saved.length > 0);
  // Only the seeds: the codes, then the saved inputs, each once.
  const b = await fuzz({ driver: SAMPLE_IO, flags: STANDARD_FLAGS, seed: 2, runs: a.codes.length + saved.length, corpusDir: dir });
  assert.equal(b.coverage.hit, a.coverage.hit);
  assert.equal(b.corpus, a.corpus);
  writeFileSync(join(dir, 'zz-bad.json'), '{"requests":[{"ioctl":{"code":5}}]}');
  const bad = dv('fuzz', SAMPLE_IO, '--runs', '1', '--corpus', dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^dv: .*zz-bad\.json is not a dv fuzz corpus input: an ioctl without a hex code\n$/);
});

test('a hang is a finding too: bucketed by where the forced crash found the driver, written to expect the hang', async () => {
  // A lower runaway limit keeps the test quick; the written file replays with the default one.
  const limits = { runawayBackEdges: 1_000_000 };
  const r = await fuzz({ driver: join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'Runaway.wasm'), flags: STANDARD_FLAGS, runs: 1, outDir: join(tmp, 'hang'), limits });
  assert.equal(r.findings.length, 1);
  const f = r.findings[0]!;
  assert.equal(f.stop.kind, 'hang');
  assert.equal(f.bucket, 'HANG_0xe2_VRF_Runaway!Dispatch');
  assert.equal(f.verified, true);
  assert.deepEqual(f.sessions.flat().map((q) => (q.kind === 'ioctl' ? q.code : -1)), [0x222000]);
  assert.match(readFileSync(f.file!, 'utf8'), /code: "0x222000"\n\s+expect:\n\s+hang: true/);
});

test('dv fuzz: a clean run exits 0 with its summary; bad input is exit 2 with a message', () => {
  const ok = dv('fuzz', SAMPLE_IO, '--runs', '40', '--out', join(tmp, 'none'));
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /^dv fuzz: SampleIo\.sys: 40 inputs in [\d.]+s \(\d+ inputs\/s\), \d+ control codes, coverage \d+ of \d+ blocks, corpus \d+\n0 distinct crashes\n$/);
  const off = dv('fuzz', SAMPLE_IO, '--verifier', 'off', '--runs', '1');
  assert.equal(off.code, 2);
  assert.match(off.err, /--verifier off: the verifier is what finds the bugs/);
  const ts = dv('fuzz', join(ROOT, 'drivers', 'ts', 'MyDriverClean.ts'), '--runs', '1');
  assert.equal(ts.code, 2);
  assert.match(ts.err, /^dv: .*no control codes to start from .* give them with --ioctl\n$/);
  assert.doesNotMatch(ts.err, /\n\s+at /, 'no stack trace');
  const runs = dv('fuzz', SAMPLE_IO, '--runs', 'many');
  assert.equal(runs.code, 2);
});
