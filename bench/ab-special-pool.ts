/**
 * Before/after of special pool alone (the history table in README.md): ExPool.allocateSpecial + free of 64
 * bytes of NonPagedPool, 20,000 pairs per sample, the kernel of BEFORE_DIR and this tree's in one process,
 * taking turns; 4 warm-up rounds, then 40 samples each: `node --import tsx bench/ab-special-pool.ts BEFORE_DIR`.
 */
import { join } from 'node:path';
import { formatTable, fromSamples, ratio } from './harness.ts';
import { BENCH_DIR } from './machine.ts';

interface KernelModule {
  Kernel: new () => { pool: { allocateSpecial(type: number, size: number, tag: number): number; free(address: number, tag: number): unknown } };
}
const before = process.argv[2];
if (!before) throw new Error('usage: node --import tsx bench/ab-special-pool.ts BEFORE_DIR');
const trees = { before, after: join(BENCH_DIR, '..') };
const PAIRS = 20_000;
const TAG = 0x7672646d;
const NON_PAGED = 0;
const kernels = {
  before: new ((await import(join(trees.before, 'src/kernel/kernel.ts'))) as KernelModule).Kernel(),
  after: new ((await import(join(trees.after, 'src/kernel/kernel.ts'))) as KernelModule).Kernel(),
};
const samples = { before: [] as number[], after: [] as number[] };
for (let round = 0; round < 44; round++) {
  for (const which of round % 2 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
    const pool = kernels[which].pool;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < PAIRS; i++) pool.free(pool.allocateSpecial(NON_PAGED, 64, TAG), TAG);
    if (round >= 4) samples[which].push(Number(process.hrtime.bigint() - t0) / PAIRS);
  }
}
const b = fromSamples(`special pool pair (kernel): before (${before})`, 'ns', samples.before);
const a = fromSamples('special pool pair (kernel): after (this tree)', 'ns', samples.after);
console.log(formatTable([b, a, ratio('special pool pair (kernel): before / after', b, a)]));
