/**
 * Issue 12: the clean samples stay clean under /standard and under /flags 0x609bb (0x209bb | 0x40000,
 * systematic low resources simulation) with every allocation failure path taken (--faults exhaustive):
 * each path ends without a bug check or hang (a refused load is the driver handling the failure).
 * Here a subset of clean-drivers.ts that covers each kind of sample in both languages in a few seconds;
 * `npm run clean:exhaustive` runs them all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExhaustive, verdictOf, type FaultVerdict } from '../../src/system/exhaustive.ts';
import { runDriver } from '../../src/system/run.ts';
import { CLEAN_CASES, STANDARD_PLUS_SYSTEMATIC } from './clean-drivers.ts';

// EverythingRight (both languages) has its own exhaustive test in test/verifier/LowResources.test.ts.
const SUBSET = [
  'MyDriverClean (ts)',
  'MyDriverClean (c)',
  'SampleIo (c)',
  'PnpFunction (ts, stop-start, sleep)',
  'PnpFilter (ts, lower, surprise-remove)',
  'PnpBus+PnpChild (c, eject, surprise-remove)',
];

const handled = (v: FaultVerdict) => v.kind === 'clean' || v.kind === 'refused';

for (const name of SUBSET) {
  const c = CLEAN_CASES.find((x) => x.name === name);
  test(`${name}: clean under 0x609bb, and on every failure path`, async () => {
    assert.ok(c, `${name} is in clean-drivers.ts`);
    const systematic = await runDriver({ ...c.options, verifierFlags: STANDARD_PLUS_SYSTEMATIC });
    assert.ok(handled(verdictOf(systematic)), JSON.stringify(verdictOf(systematic)));
    assert.ok(systematic.faults!.injected.length > 0, 'systematic simulation failed something');
    const r = await runExhaustive({ ...c.options, verifierFlags: STANDARD_PLUS_SYSTEMATIC });
    assert.deepEqual(r.baseline, { kind: 'clean' });
    // Not vacuous: the driver reached failure points, and each run reached (and failed) its own.
    assert.ok(r.points.length > 0, 'failure points reached');
    assert.equal(r.runs.length, r.points.length);
    const bad = r.runs.filter((x) => !x.reached || !handled(x.verdict));
    assert.deepEqual(bad.map((x) => `${x.point.ddi} at ${x.point.callerSymbol}: ${JSON.stringify(x.verdict)}`), []);
  });
}
