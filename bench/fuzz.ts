/**
 * `dv fuzz` speed: inputs per second against SampleIo (drivers/c/SampleIo) under /standard, from seed 1,
 * each sample a whole fuzzing run (the boots and recycles of its machines included). The goal is
 * 5,000 inputs/s with snapshot and restore; the fuzzer runs sessions on a machine it recycles every 64
 * inputs (src/fuzz/target.ts), so a boot and a load (tens of ms) are part of the figure.
 */
import { join } from 'node:path';
import { fuzz } from '../src/fuzz/fuzzer.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { measure, type Row } from './harness.ts';

const SAMPLE_IO = join(import.meta.dirname, '..', 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');

export async function fuzzSpeed(quick: boolean): Promise<Row[]> {
  const runs = quick ? 200 : 2000;
  const row = await measure('dv fuzz, SampleIo: inputs per second (/standard, seed 1)', 'inputs/s', quick ? 1 : 5, async () => {
    const r = await fuzz({ driver: SAMPLE_IO, flags: STANDARD_FLAGS, seed: 1, runs });
    if (r.findings.length > 0) throw new Error(`SampleIo is clean, but dv fuzz found ${r.findings.map((f) => f.bucket).join(', ')}`);
    return (1000 * r.inputs) / r.elapsedMs;
  }, `${runs} inputs a run; the goal (snapshot and restore) is 5,000`);
  return [row];
}
