/**
 * Before/after of figure 2 in CPU time, for a machine too loaded for wall clock (ab-samplers.ts):
 * `node --import tsx bench/ab-cpu.ts BEFORE_DIR PROCESSES CONFIG...`, e.g. `... /tmp/before 3 off standard`.
 * ab-cpu-child.ts is bundled against each tree's sources; the trees take turns, PROCESSES processes
 * each per configuration, each reporting the least CPU ns per IOCTL of 5 rounds of 20,000. Prints the
 * median and min-max per tree and the ratio of the medians. C/wasm configurations build Echo.c once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleChild } from './child-bundle.ts';
import { withCDriver } from './c-drivers.ts';
import { BENCH_DIR } from './machine.ts';
import { firstLine, runAsync } from './proc.ts';

const [before, processesText, ...configs] = process.argv.slice(2);
const processes = Number(processesText);
if (!before || !(processes > 0) || configs.length === 0) throw new Error('usage: node --import tsx bench/ab-cpu.ts BEFORE_DIR PROCESSES CONFIG...');
const source = readFileSync(join(BENCH_DIR, 'ab-cpu-child.ts'), 'utf8');
const trees = { before, after: join(BENCH_DIR, '..') };
const child = { before: await bundleChild(trees.before, 'ab-cpu-child.ts', source), after: await bundleChild(trees.after, 'ab-cpu-child.ts') };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

await withCDriver(
  'Echo',
  async (env) => {
    for (const config of configs) {
      const ns = { before: [] as number[], after: [] as number[] };
      for (let r = 0; r < processes; r++) {
        for (const which of r % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
          const p = await runAsync(process.execPath, [child[which], config, '20000', '5'], { cwd: trees[which], env: { ...process.env, ...env } });
          if (p.status !== 0) throw new Error(`${which} ${config} exited ${p.status}: ${firstLine(p.stderr)}`);
          ns[which].push((JSON.parse(p.stdout.trim().split('\n').pop()!) as { ns: number }).ns);
        }
      }
      const show = (xs: number[]) => `${Math.round(median(xs))} ns (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`;
      console.log(`echo ${config}: before ${show(ns.before)}, after ${show(ns.after)}: ${(median(ns.before) / median(ns.after)).toFixed(2)}x less CPU per IOCTL`);
    }
  },
  (note) => console.log(`C/wasm Echo not built: ${note}`),
);
