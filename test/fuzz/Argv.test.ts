/**
 * Generated `dv` command lines (subcommands, flags, values, garbage, unicode, scratch inputs and
 * outputs): each exits 0, 1, 2 (or 4, the hang verdict), within a host-time bound, with no Node stack
 * trace on stderr. A small count here (each is a process); `npm run fuzz:self -- --argv N` runs more.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { argvArb, argvOf, makeScratch, runDv, violation, type Scratch } from './argv/argv.ts';

const RUNS = 6;
let scratch: Scratch;
before(async () => {
  scratch = await makeScratch();
});
after(() => rmSync(scratch.dir, { recursive: true, force: true }));

test(`${RUNS} generated dv command lines end with a verdict or a usage error, and no stack trace`, async () => {
  const argvs = fc.sample(argvArb, { seed: 0xa59, numRuns: RUNS });
  // Two at a time: each is a Node process that transpiles dv.
  for (let i = 0; i < argvs.length; i += 2) {
    const results = await Promise.all(argvs.slice(i, i + 2).map((p) => runDv(argvOf(p, scratch), scratch.dir, 120_000)));
    for (const r of results) assert.equal(violation(r), undefined, `dv ${JSON.stringify(r.argv)}: exit ${r.status}\n${r.stderr}`);
  }
});
