/**
 * `npm run clean:exhaustive`: every clean sample (clean-drivers.ts) under /standard, under
 * /flags 0x609bb (0x209bb | 0x40000: systematic low resources simulation: each stack's first call fails, in one run), and
 * under 0x609bb with every failure path taken in its own run (--faults exhaustive). Prints a row per
 * sample and mode and, for each run that did not end clean, the failure point and the verdict; exits 1
 * if any did. `--only TEXT` keeps the samples whose name contains TEXT; `--flags 0xN` runs under other flags.
 */
import { runExhaustive, verdictOf, type FaultVerdict } from '../../src/system/exhaustive.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { CLEAN_CASES, STANDARD_PLUS_SYSTEMATIC } from './clean-drivers.ts';

const ok = (v: FaultVerdict) => v.kind === 'clean' || v.kind === 'refused';
const show = (v: FaultVerdict): string => {
  if (v.kind === 'bugcheck') return `bug check 0x${v.code.toString(16)} ${v.name} (${v.params.map((p) => `0x${(p >>> 0).toString(16)}`).join(', ')})`;
  if (v.kind === 'hang') return `hang: ${v.reason}`;
  if (v.kind === 'refused') return `refused 0x${(v.status >>> 0).toString(16)}`;
  return 'clean';
};

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const filter = arg('--only') ?? '';
const flags = arg('--flags') !== undefined ? Number(arg('--flags')) : STANDARD_PLUS_SYSTEMATIC;
const label = `0x${flags.toString(16)}`;
const started = process.hrtime.bigint();
let bad = 0;
let totalPoints = 0;
let totalRuns = 0;
for (const c of CLEAN_CASES.filter((x) => x.name.includes(filter))) {
  const t0 = process.hrtime.bigint();
  const standard = verdictOf(await runDriver({ ...c.options, verifierFlags: STANDARD_FLAGS }));
  const systematic = await runDriver({ ...c.options, verifierFlags: flags });
  const sv = verdictOf(systematic);
  const ex = await runExhaustive({ ...c.options, verifierFlags: flags });
  const failed = ex.runs.filter((r) => !r.reached || !ok(r.verdict));
  totalPoints += ex.points.length;
  totalRuns += ex.runs.length + 3;
  const row = [
    c.name.padEnd(44),
    `/standard: ${show(standard)}`.padEnd(22),
    `${label}: ${show(sv)} (${systematic.faults?.injected.length ?? 0} failed)`.padEnd(34),
    `exhaustive: ${ex.runs.length - failed.length}/${ex.runs.length} paths clean`.padEnd(32),
    `${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`,
  ];
  console.log(row.join('  '));
  if (!ok(standard) || !ok(sv) || !ok(ex.baseline)) bad++;
  if (!ok(ex.baseline)) console.log(`    baseline: ${show(ex.baseline)}`);
  if (!ok(standard)) console.log(`    /standard: ${show(standard)}`);
  if (!ok(sv)) console.log(`    ${label}: ${show(sv)}; failed: ${systematic.faults!.injected.map((f) => `${f.ddi}@${f.callerSymbol}`).join(', ')}`);
  for (const r of failed) {
    bad++;
    console.log(`    ${r.point.ddi} at ${r.point.callerSymbol}: ${r.reached ? show(r.verdict) : 'not reached'}`);
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`${totalPoints} failure points, ${totalRuns} runs, ${bad} not clean, ${seconds.toFixed(1)} s`);
process.exitCode = bad === 0 ? 0 : 1;
