/**
 * `node --import tsx bench/check-results.ts [FILE]`: CI's check of a bench run's output (default
 * bench/results.json): valid JSON, and every figure has figure/unit/median/min/max/runs with finite
 * numbers (min <= median <= max, runs >= 1); every missing row has figure/unit/note. Checks the
 * shape only: no speed is asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const file = process.argv[2] ?? join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'results.json');
const problems: string[] = [];
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

let doc: Record<string, unknown> = {};
try {
  doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
} catch (e) {
  problems.push(`${file}: ${(e as Error).message}`);
}
if (problems.length === 0) {
  if (typeof doc.quick !== 'boolean') problems.push('quick is not a boolean');
  if (!isText(doc.node)) problems.push('node is not a version string');
  if (!isText(doc.date) || Number.isNaN(Date.parse(doc.date))) problems.push('date is not a date');
  const figures = Array.isArray(doc.figures) ? (doc.figures as Record<string, unknown>[]) : [];
  if (figures.length === 0) problems.push('figures is missing or empty');
  figures.forEach((f, i) => {
    const at = `figures[${i}] (${String(f.figure)})`;
    if (!isText(f.figure)) problems.push(`${at}: figure is not a name`);
    if (!isText(f.unit)) problems.push(`${at}: unit is not a string`);
    for (const k of ['median', 'min', 'max', 'runs'] as const) if (!isNumber(f[k])) problems.push(`${at}: ${k} is not a finite number`);
    if (isNumber(f.min) && isNumber(f.median) && isNumber(f.max) && !(f.min <= f.median && f.median <= f.max)) problems.push(`${at}: not min <= median <= max`);
    if (isNumber(f.runs) && !(Number.isInteger(f.runs) && f.runs >= 1)) problems.push(`${at}: runs is not a positive integer`);
    if (f.note !== undefined && typeof f.note !== 'string') problems.push(`${at}: note is not a string`);
  });
  const missing = doc.missing === undefined ? [] : Array.isArray(doc.missing) ? (doc.missing as Record<string, unknown>[]) : null;
  if (missing === null) problems.push('missing is not an array');
  missing?.forEach((m, i) => {
    if (!isText(m.figure) || !isText(m.unit) || !isText(m.note)) problems.push(`missing[${i}]: needs figure, unit and note`);
  });
  if (problems.length === 0) console.log(`${file}: ${figures.length} figures, ${missing?.length ?? 0} rows not measured (${doc.quick ? 'quick' : 'full'} run)`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
}
