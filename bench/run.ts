/**
 * `npm run bench [-- --quick] [-- --only NAME,...]`: every figure as a median over repeated runs,
 * ratios taken side by side in the same run. Prints a table and writes bench/results.json:
 * { quick, node, date, figures: [{figure, unit, median, min, max, runs, note?}], missing: [{figure, unit, note}] }.
 * --quick is the CI smoke run (well under a minute); the full run gives the real numbers.
 */
import { writeFileSync } from 'node:fs';
import { progress } from '../src/cli/progress.ts';
import { join } from 'node:path';
import { ddiCost } from './ddi-cost.ts';
import { endToEnd } from './e2e.ts';
import { fuzzSpeed } from './fuzz.ts';
import { formatTable, isFigure, type Missing, type Figure, type Row } from './harness.ts';
import { heapPerTracked } from './heap.ts';
import { irpThroughput } from './irp-throughput.ts';
import { BENCH_DIR } from './machine.ts';
import { nativeComparison } from './native.ts';
import { rewriteCost } from './rewrite.ts';
import { unloadScale } from './unload-scale.ts';
import { verifierLog } from './verifier-log.ts';

const SECTIONS: Record<string, (quick: boolean) => Promise<Row[]>> = {
  'ddi-cost': ddiCost,
  irp: irpThroughput,
  unload: unloadScale,
  'verifier-log': verifierLog,
  heap: heapPerTracked,
  e2e: endToEnd,
  native: nativeComparison,
  rewrite: rewriteCost,
  fuzz: fuzzSpeed,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : Object.keys(SECTIONS);
const unknown = only.filter((s) => !(s in SECTIONS));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}

const rows: Row[] = [];
const started = performance.now();
const bar = progress(only.length, 'bench');
for (const name of only) {
  const t0 = performance.now();
  rows.push(...(await SECTIONS[name]!(quick)));
  bar.item(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
bar.stop();
const figures = rows.filter(isFigure) as Figure[];
const notMeasured = rows.filter((r) => !isFigure(r)) as Missing[];
const out = join(BENCH_DIR, 'results.json');
writeFileSync(out, JSON.stringify({ quick, node: process.version, date: new Date().toISOString(), figures, missing: notMeasured }, null, 2) + '\n');
console.log(formatTable(rows));
console.log(`\n${quick ? 'quick run' : 'full run'} in ${((performance.now() - started) / 1000).toFixed(1)} s; written to ${out}`);
