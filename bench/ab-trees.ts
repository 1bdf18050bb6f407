/**
 * Before/after wall time of one dv command in two checkouts, the two taking turns in one run (the history
 * table in README.md): `node bench/ab-trees.ts BEFORE_DIR RUNS -- dv-args...`, e.g. with BEFORE_DIR a
 * `git worktree add /tmp/before <commit>` (node_modules linked in). Each tree's bin/dv.js runs as a user
 * runs it (this tree's compiled bundle if it is built and fresh). One warm-up round is not counted.
 */
import { join } from 'node:path';
import { fromSamples, formatTable, ratio } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { run } from './proc.ts';

const [before, runs, dashes, ...args] = process.argv.slice(2);
if (!before || !runs || dashes !== '--') throw new Error('usage: node bench/ab-trees.ts BEFORE_DIR RUNS -- dv-args...');
const trees = { before, after: join(BENCH_DIR, '..') };
const samples = { before: [] as number[], after: [] as number[] };
for (let r = -1; r < Number(runs); r++) {
  for (const which of ['before', 'after'] as const) {
    const { DV_SOURCES: _tests, ...env } = process.env;
    const p = run(process.execPath, [join(trees[which], 'bin', 'dv.js'), ...args], { cwd: trees.after, env });
    if (p.status !== 0 && r < 0) process.stderr.write(`${which}: dv ${args.join(' ')} exited ${p.status}\n`);
    if (r >= 0) samples[which].push(p.ms);
  }
}
const b = fromSamples(`dv ${args.join(' ')}: before (${before})`, 'ms', samples.before);
const a = fromSamples(`dv ${args.join(' ')}: after (this tree)`, 'ms', samples.after);
console.log(formatTable([b, a, ratio(`dv ${args.join(' ')}: before / after`, b, a)]));
