/**
 * The dump properties of DumpProperties.test.ts and DumpCli.test.ts, run long:
 *
 *   npm run fuzz:dumps -- --runs 10000 [--seed N] [--cli 200]
 *
 * `--runs` mutated dumps in process: 40% broken in a field, 30% odd but in range (every kd command
 * run on those that validate), 15% a flipped byte, 15% truncated. `--cli` more through `dv kd`
 * (child processes: about half a second each). Prints the counts; exits 1 with the seed and the
 * counterexample when a property fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { brokenDump, demoDumpJson, dumpFile, flipByte, oddDump } from './dump-mutations.ts';
import { checkBroken, checkFlip, checkKdDamaged, checkOdd, checkTruncation, inBatches, kdOnBytes } from './dump-properties.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, seed: { type: 'string' }, cli: { type: 'string', default: '0' } } });
const runs = Number(values.runs);
const cli = Number(values.cli);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(cli) || cli < 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz:dumps -- --runs N [--seed N] [--cli N]');
  process.exit(2);
}

const base = await demoDumpJson();
const file = dumpFile(base);
const started = performance.now();
let failed = false;
const counts = { broken: 0, oddValidated: 0, oddRejected: 0, flips: 0, truncations: 0, cli: 0 };

function run<T>(name: string, arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => void): void {
  if (numRuns === 0) return;
  const details = fc.check(fc.property(arbitrary, check), { numRuns, seed });
  if (details.failed) {
    failed = true;
    console.error(`${name}: ${String(details.errorInstance)}\n${fc.defaultReportMessage(details) ?? ''}`);
  }
}

const share = (f: number) => Math.round(runs * f);
run('broken', brokenDump(base), share(0.4), (m) => {
  checkBroken(m);
  counts.broken++;
});
run('odd', oddDump(base), share(0.3), (m) => {
  if (checkOdd(m) === 'validated') counts.oddValidated++;
  else counts.oddRejected++;
});
run('flip', fc.tuple(fc.nat(file.length - 1), fc.nat(254)), share(0.15), ([at, x]) => {
  checkFlip(flipByte(file, at, x));
  counts.flips++;
});
run('truncation', fc.integer({ min: 1, max: file.length - 1 }), runs - share(0.4) - share(0.3) - share(0.15), (n) => {
  checkTruncation(file, n);
  counts.truncations++;
});

if (cli > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-fuzz-dumps-'));
  const cases = fc.sample(brokenDump(base), { numRuns: cli, seed });
  await inBatches(cases, 4, async (m, i) => {
    try {
      checkKdDamaged(await kdOnBytes(dumpFile(m.json), dir, `${i}.dmp`), m.what);
      counts.cli++;
    } catch (e) {
      failed = true;
      console.error(`dv kd, seed ${seed}, case ${i}: ${(e as Error).message}`);
    }
  });
  rmSync(dir, { recursive: true, force: true });
}

const total = counts.broken + counts.oddValidated + counts.oddRejected + counts.flips + counts.truncations;
console.log(
  `fuzz:dumps seed ${seed}: ${total} mutated dumps in process (${counts.broken} broken in a field, each a DumpError naming it; ` +
    `${counts.oddValidated + counts.oddRejected} odd, ${counts.oddValidated} validated and read by every kd command, ${counts.oddRejected} turned away; ` +
    `${counts.flips} byte flips; ${counts.truncations} truncations), ${counts.cli} through dv kd; ` +
    `${failed ? 'FAILED' : '0 failures'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
process.exitCode = failed ? 1 : 0;
