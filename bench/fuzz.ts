/**
 * `dv fuzz` speed: inputs per second against SampleIo (drivers/c/SampleIo) under /standard, from seed 1, each
 * sample a whole fuzzing run in a process of its own (isolated.ts, compiled as `dv` runs): its boot, load and
 * the JIT's warm-up included, as a user's run pays them, per CPU second (the goal is per core). Two configurations side by side, taking turns:
 * - restore: the machine put back from its snapshot after each stop and machine life (src/system/snapshot);
 * - fresh: a new boot and load there instead, as dv fuzz did before the snapshot.
 * A machine life is 64 inputs (DEFAULT_RECYCLE), ended by the unload checks. The goal is 5,000/s.
 */
import { join } from 'node:path';
import { fuzz } from '../src/fuzz/fuzzer.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { fromSamples, ratio, type Row } from './harness.ts';
import { interleaved } from './isolated.ts';
import type { Sampler } from './samplers.ts';

const SAMPLE_IO = join(import.meta.dirname, '..', 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');
const CONFIGS = { restore: true, fresh: false } as const;
type Config = keyof typeof CONFIGS;

/**
 * One sample: a run of `runs` inputs, its inputs per CPU second of the process (process.cpuUsage, the boot
 * included). The goal is per core, and on a shared machine wall time counts the other processes' turns; the
 * process's CPU time also counts V8's helper threads (GC, compiler), so the figure errs low.
 */
export const fuzzSampler: Sampler = {
  warmUp: false,
  async prepare(config: string, runs: number) {
    if (!(config in CONFIGS)) throw new Error(`fuzz: no configuration '${config}'`);
    return async () => {
      const cpu = process.cpuUsage();
      const r = await fuzz({ driver: SAMPLE_IO, flags: STANDARD_FLAGS, seed: 1, runs, snapshot: CONFIGS[config as Config] });
      if (r.findings.length > 0) throw new Error(`SampleIo is clean, but dv fuzz found ${r.findings.map((f) => f.bucket).join(', ')}`);
      const used = process.cpuUsage(cpu);
      return (1e6 * r.inputs) / (used.user + used.system);
    };
  },
};

export async function fuzzSpeed(quick: boolean): Promise<Row[]> {
  const runs = quick ? 500 : 5000;
  const samples = await interleaved('fuzz', Object.keys(CONFIGS), runs, quick ? 1 : 3, 1);
  const note = `${runs} inputs a run, each in a process of its own; per CPU second; goal 5,000/s`;
  const restore = fromSamples('dv fuzz, SampleIo (/standard, seed 1): restore the snapshot', 'inputs/CPU-s', samples.get('restore')!, note);
  const fresh = fromSamples('dv fuzz, SampleIo (/standard, seed 1): boot a fresh machine', 'inputs/CPU-s', samples.get('fresh')!, note);
  return [fresh, restore, ratio('dv fuzz, SampleIo: restore / fresh boot', restore, fresh)];
}
