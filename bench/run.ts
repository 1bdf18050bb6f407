/**
 * `npm run bench [-- --quick]`: every figure as a median over repeated runs, ratios taken side by side
 * in the same run. Prints a table and writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ddiCost } from './ddi-cost.ts';
import { formatTable, type Figure } from './harness.ts';

const quick = process.argv.includes('--quick');
const figures: Figure[] = [];
figures.push(...(await ddiCost(quick)));
const out = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'results.json');
writeFileSync(out, JSON.stringify({ quick, node: process.version, date: new Date().toISOString(), figures }, null, 2) + '\n');
console.log(formatTable(figures));
console.log(`\nwritten to ${out}`);
