/**
 * dv fuzz --jobs: worker threads, each with a machine of its own and a seed derived from --seed, sharing the
 * buckets (each found once, numbered once), the corpus folder and the status through the parent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadInputs } from '../../src/fuzz/corpus-dir.ts';
import { fuzz } from '../../src/fuzz/fuzzer.ts';
import { fuzzJobs, jobSeed } from '../../src/fuzz/jobs.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FUZZ_ME = join(ROOT, 'drivers', 'c', 'fuzz', 'FuzzMe.wasm');
const tmp = mkdtempSync(join(tmpdir(), 'dv-fuzz-jobs-'));

test('worker seeds: worker 0 fuzzes from --seed itself, the others from distinct seeds derived from it', () => {
  assert.equal(jobSeed(3, 0), 3);
  const seeds = Array.from({ length: 8 }, (_, i) => jobSeed(3, i));
  assert.equal(new Set(seeds).size, 8);
  assert.deepEqual(seeds, Array.from({ length: 8 }, (_, i) => jobSeed(3, i)), 'the same every time');
});

// A --jobs run is repeatable worker by worker, not as a whole: workers take each other's inputs between machine
// lives in thread order, so which inputs find the bugs varies with the machine's load. --jobs 2 gets 2,000 inputs
// (1,000 a worker) against --jobs 1's 400, enough that every order seen finds all four.
test('--jobs 2 finds the planted bugs --jobs 1 finds, each bucket once, numbered once, the corpus folder holding every new input', async () => {
  const one = await fuzz({ driver: FUZZ_ME, flags: STANDARD_FLAGS, seed: 3, runs: 400 });
  const out = join(tmp, 'out');
  const corpus = join(tmp, 'corpus');
  let statuses = 0;
  const two = await fuzzJobs({ driver: FUZZ_ME, flags: STANDARD_FLAGS, seed: 3, runs: 2000, outDir: out, corpusDir: corpus, onStatus: () => statuses++ }, 2);
  const buckets = (r: typeof one) => r.findings.map((f) => f.bucket).sort();
  assert.equal(one.findings.length, 4);
  assert.deepEqual(buckets(two), buckets(one));
  assert.equal(two.inputs, 2000, 'the runs split between the workers, summed');
  assert.equal(two.unreproduced, 0);
  assert.ok(statuses > 0);
  // One file per finding, numbered 1..4 across the workers.
  assert.deepEqual(readdirSync(out).map((n) => n.split('-')[1]).sort(), ['1', '2', '3', '4']);
  assert.ok(two.findings.every((f) => f.verified === true));
  // The corpus folder: written by the parent alone, every file an input a later run reads back.
  assert.ok(loadInputs(corpus).length > 0);
  assert.ok(two.coverage.hit >= one.coverage.hit - 2 && two.coverage.hit <= two.coverage.sites, `${two.coverage.hit} vs ${one.coverage.hit}`);
});

test('dv fuzz --jobs: the summary names the machines; a bad count is exit 2 with a message', () => {
  const dv = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const ok = dv('fuzz', join(ROOT, 'drivers', 'c', 'SampleIo', 'SampleIo.wasm'), '--runs', '60', '--jobs', '2', '--out', join(tmp, 'none'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^dv fuzz: SampleIo\.sys: 60 inputs on 2 machines in [\d.]+s \(\d+ inputs\/s\), \d+ control codes, coverage \d+ of \d+ blocks, corpus \d+\n0 distinct crashes\n$/);
  for (const bad of ['0', 'two']) {
    const r = dv('fuzz', FUZZ_ME, '--runs', '1', '--jobs', bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is not a number of machines/);
  }
  // A driver that cannot be fuzzed is said once, by the parent, before any worker starts (and without --jobs the same).
  for (const jobs of [['--jobs', '2'], []]) {
    const missing = dv('fuzz', 'no-such-driver.wasm', '--runs', '5', ...jobs);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'dv: no-such-driver.wasm: no such file\n');
  }
  const ts = dv('fuzz', join(ROOT, 'drivers', 'ts', 'MyDriverClean.ts'), '--runs', '5', '--jobs', '2');
  assert.equal(ts.status, 2);
  assert.match(ts.stderr, /^dv: .*no control codes to start from .* give them with --ioctl\n$/);
  const many = dv('fuzz', FUZZ_ME, '--runs', '1', '--jobs', '65');
  assert.equal(many.status, 2);
  assert.match(many.stderr, /^dv: --jobs 65: give 1 to 64 workers\n$/);
});
