/**
 * Random DDI call sequences against the kernel, with and without Driver Verifier (/standard): each
 * ends clean, in a bug check of the bug check table, or in a hang Windows would have too; never in a
 * host exception. Seeds are fixed (a failure prints its seed and the shrunk sequence, so it replays);
 * `npm run fuzz:self` runs the same property at the goal counts. Shrunk failures found so far are
 * the named regressions at the end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { POOL_TYPE, poolTag } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { Machine } from '../../src/system/machine.ts';
import { hex } from '../helpers.ts';
import { describeScenario, runScenario, type Outcome, type Scenario } from './ddi/harness.ts';
import { scenarioArb } from './ddi/sequence.ts';
import type { Op } from './ddi/ops.ts';

/** The invariant, as an assertion whose message carries the sequence. */
export async function assertHolds(sc: Scenario): Promise<Outcome> {
  const o = await runScenario(sc);
  assert.notEqual(o.kind, 'failure', `${describeScenario(sc)}\n${'message' in o ? o.message : ''}`);
  return o;
}

const RUNS = { verified: 200, unverified: 100 };

test(`${RUNS.verified} random DDI sequences under /standard end clean, in a documented bug check or a hang`, async () => {
  await fc.assert(fc.asyncProperty(scenarioArb({ verifier: true }), async (sc) => void (await assertHolds(sc))), { seed: 0x5eed1, numRuns: RUNS.verified, includeErrorInReport: true });
});

test(`${RUNS.unverified} random DDI sequences with the verifier off end the same way`, async () => {
  await fc.assert(fc.asyncProperty(scenarioArb({ verifier: false }), async (sc) => void (await assertHolds(sc))), { seed: 0x5eed2, numRuns: RUNS.unverified, includeErrorInReport: true });
});

// ---- regressions: sequences fast-check found and shrank -----------------------------------------

const base = { unload: [], tidy: false, unloadDriver: true, stacks: false } as const;
const op = (name: Op['op'], s: Op['s'] = [], n: Op['n'] = []): Op => ({ op: name, s, n });

test('regression: KeInitializeTimerEx on 0xfffffff1 is a page fault (0x50) at that address, not a RangeError', async () => {
  for (const verifier of [true, false]) {
    const o = await assertHolds({ ...base, verifier, entry: [op('KeInitializeTimerEx', [{ w: 0xfffffff1 }], [0])] });
    assert.equal(o.kind, 'bugcheck');
    assert.equal(o.kind === 'bugcheck' && o.code, BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA);
    assert.equal(o.kind === 'bugcheck' && o.params[1], 1, 'a write');
  }
});

test('regression: deleting a lookaside list "at" 0xffffffff is a page fault (0x50), not a RangeError', async () => {
  for (const verifier of [true, false]) {
    const o = await assertHolds({ ...base, verifier, entry: [op('ExDeleteLookasideList', [{ w: 0xffffffff }])] });
    assert.equal(o.kind === 'bugcheck' && o.code, BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA);
  }
});

test('regression: IoCallDriver with an IRP that has no stack location left is bug check 0x35, a code of the table', async () => {
  // IoAllocateIrp(0): an IRP with no stack locations, sent down at once.
  const o = await assertHolds({ ...base, verifier: false, entry: [op('IoAllocateIrp', [], [2]), op('IoCallDriver', [{ r: 0, d: 0 }, { r: 0, d: 0 }])] });
  assert.equal(o.kind === 'bugcheck' && o.name, 'NO_MORE_IRP_STACK_LOCATIONS');
  assert.equal(o.kind === 'bugcheck' && o.code, BUGCHECK.NO_MORE_IRP_STACK_LOCATIONS);
});

test('regression: DbgPrint("%*d") with a width of 0x7fffffff prints a bounded field instead of throwing RangeError', async () => {
  for (const verifier of [true, false]) {
    const o = await assertHolds({ ...base, verifier, tidy: true, entry: [op('DbgPrint', [{ w: 0x7fffffff }, { w: 0 }], [8, 0])] });
    assert.equal(o.kind, 'clean');
  }
});

test('regression: PsCreateSystemThread with no kernel stack left fails with STATUS_INSUFFICIENT_RESOURCES instead of a SimulatorError', () => {
  // Found with callbacks that each created another thread: the stack region ran out and the kernel threw.
  const k = new Machine().kernel;
  const handle = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 4, poolTag('Fuzz'));
  let status: number = STATUS.SUCCESS;
  let created = 0;
  while (status === STATUS.SUCCESS && created < 100_000) {
    status = k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, 0, 0);
    if (status === STATUS.SUCCESS) created++;
  }
  assert.equal(hex(status), hex(STATUS.INSUFFICIENT_RESOURCES));
  assert.ok(created > 100, `${created} threads before the stacks ran out`);
});
