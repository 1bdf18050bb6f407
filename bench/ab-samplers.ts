/**
 * Before/after of one sampler configuration (samplers.ts) in two checkouts, side by side in one run:
 * `node --import tsx bench/ab-samplers.ts BEFORE_DIR ROUNDS SAMPLER CONFIG ARG`, e.g.
 * `... /tmp/before 5 echo standard 20000` (figure 2's /standard row). Each tree's sampler child is
 * bundled as child-bundle.ts bundles it (compiled, as `dv` runs); the trees take turns every round,
 * three samples a turn after a warm-up, so drift on a shared machine falls on both. BEFORE_DIR
 * `sources` is this tree through tsx (as the bench ran its children before child-bundle.ts).
 */
import { join } from 'node:path';
import { bundleChild } from './child-bundle.ts';
import { fromSamples, formatTable, ratio } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { firstLine, runAsync } from './proc.ts';

const [before, rounds, sampler, config, arg] = process.argv.slice(2);
if (!before || !(Number(rounds) > 0) || !sampler || !config || !(Number(arg) > 0)) {
  throw new Error('usage: node --import tsx bench/ab-samplers.ts BEFORE_DIR ROUNDS SAMPLER CONFIG ARG');
}
const here = join(BENCH_DIR, '..');
const trees = { before: before === 'sources' ? here : before, after: here };
const args = {
  before: before === 'sources' ? ['--import', 'tsx', join(BENCH_DIR, 'sampler-child.ts')] : [await bundleChild(trees.before)],
  after: [await bundleChild(trees.after)],
};
const samples = { before: [] as number[], after: [] as number[] };
for (let r = 0; r < Number(rounds); r++) {
  for (const which of r % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
    const p = await runAsync(process.execPath, ['--expose-gc', ...args[which], sampler, config, arg, '3'], { cwd: trees[which], env: process.env });
    if (p.status !== 0) throw new Error(`${which} exited ${p.status}: ${firstLine(p.stderr)}`);
    samples[which].push(...(JSON.parse(p.stdout.trim().split('\n').pop()!) as { samples: number[] }).samples);
  }
}
const what = `${sampler} ${config}`;
const b = fromSamples(`${what}: before (${before})`, 'sample', samples.before);
const a = fromSamples(`${what}: after (this tree)`, 'sample', samples.after);
console.log(formatTable([b, a, ratio(`${what}: after / before`, a, b)]));
