/**
 * Before/after of figure 1's pool pairs in CPU time, for a machine too loaded for wall-clock figures:
 * `node --import tsx bench/ab-cpu-pairs.ts BEFORE_DIR ROUNDS CONFIG PAIRS`, e.g. `... /tmp/before 6 d 20000`.
 * CONFIG is one of figure 1's (b, c, c1, c2, d; e, f, f1 with DV_BENCH_WASM_DIR set to a directory
 * holding PoolPairs.wasm, an absolute path). Each sample is the process's user + system CPU time
 * (process.cpuUsage) around one request of PAIRS pairs, per pair; waiting for a core is not counted,
 * though a busy machine still slows the run through the shared caches and memory. A child per tree
 * (compiled, as child-bundle.ts compiles the samplers, from a small entry written into the tree's
 * dist/), the trees taking turns every round, three samples a turn after a warm-up request.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromSamples, formatTable, ratio } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { firstLine, runAsync } from './proc.ts';

const [before, rounds, config, pairs] = process.argv.slice(2);
const CONFIGS = ['b', 'c', 'c1', 'c2', 'd', 'e', 'f', 'f1'];
if (!before || !(Number(rounds) > 0) || !config || !CONFIGS.includes(config) || !(Number(pairs) > 0)) {
  throw new Error(`usage: node --import tsx bench/ab-cpu-pairs.ts BEFORE_DIR ROUNDS ${CONFIGS.join('|')} PAIRS`);
}

/** The child: figure 1's runner for one configuration, timed in CPU time. Only APIs older than this file. */
const ENTRY = `
import { pairsRunner } from '../../bench/ddi-cost.ts';
import { builtCDriver } from '../../bench/c-drivers.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
const C = { b: [undefined, true, false], c: [STANDARD_FLAGS, false, false], c1: [STANDARD_FLAGS & ~VF.SPECIAL_POOL, false, false],
  c2: [VF.POOL_TRACKING, false, false], d: [STANDARD_FLAGS, true, false], e: [undefined, true, true], f: [STANDARD_FLAGS, true, true], f1: [STANDARD_FLAGS, false, true] };
const [config, n, count] = process.argv.slice(2);
const [flags, stacks, wasm] = C[config];
const run = await pairsRunner(wasm ? builtCDriver('PoolPairs') : 'PoolPairs.ts', flags, stacks);
run(Number(n));
const samples = [];
for (let i = 0; i < Number(count); i++) {
  const c0 = process.cpuUsage();
  run(Number(n));
  const c = process.cpuUsage(c0);
  samples.push(((c.user + c.system) * 1000) / Number(n));
}
console.log(JSON.stringify({ samples }));
`;

async function bundle(root: string): Promise<string> {
  const dir = join(root, 'dist', `ab-cpu-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'entry.ts'), ENTRY);
  const outfile = join(dir, 'child.mjs');
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['esbuild'],
    banner: { js: "import { createRequire as __dvRequire } from 'node:module'; const require = __dvRequire(import.meta.url);" },
    define: { 'import.meta.dirname': JSON.stringify(join(root, 'bench')) },
    absWorkingDir: root,
    logLevel: 'warning',
  });
  return outfile;
}

const trees = { before, after: join(BENCH_DIR, '..') };
const files = { before: await bundle(trees.before), after: await bundle(trees.after) };
const samples = { before: [] as number[], after: [] as number[] };
for (let r = 0; r < Number(rounds); r++) {
  for (const which of r % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
    const p = await runAsync(process.execPath, [files[which], config, pairs, '3'], { cwd: trees[which], env: process.env });
    if (p.status !== 0) throw new Error(`${which} exited ${p.status}: ${firstLine(p.stderr)}`);
    samples[which].push(...(JSON.parse(p.stdout.trim().split('\n').pop()!) as { samples: number[] }).samples);
  }
}
const b = fromSamples(`pool pair ${config}, CPU: before (${before})`, 'ns/pair', samples.before);
const a = fromSamples(`pool pair ${config}, CPU: after (this tree)`, 'ns/pair', samples.after);
console.log(formatTable([b, a, ratio(`pool pair ${config}, CPU: after / before`, a, b)]));
