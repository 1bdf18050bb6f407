/**
 * Power framework delay fuzzing (0x8000): the framework's callbacks for a three-component device come
 * in one fixed order without the option; with it, in an order drawn from the seed: the same for the
 * same seed, another for another seed, always within what the framework allows (each component's idle
 * condition before its Fx state, device power last).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { faultLines } from '../../src/cli/faults-report.ts';
import { runDriver } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'drivers', 'PofxOrder.ts');
const FUZZ = STANDARD_FLAGS | VF.POWER_FRAMEWORK_DELAY_FUZZING;

let lastLines: string[] = [];

async function order(flags: number, seed?: number): Promise<string[]> {
  const printed: string[] = [];
  const o = await runDriver({
    driver: FIXTURE,
    verifierFlags: flags,
    requests: [{ kind: 'ioctl', code: 0x222400, input: Buffer.alloc(0), outputLength: 0 }],
    faults: seed === undefined ? undefined : { seed },
    onDebugPrint: (l) => printed.push(l.trim()),
  });
  assert.equal(o.bugCheck, null);
  assert.equal(o.hang, null);
  assert.deepEqual(o.requests.map((r) => r.status), [STATUS.SUCCESS]);
  lastLines = faultLines(o.faults, 0);
  return printed;
}

/** What the framework must respect whatever the order: per component idle then F1; device power last, once. */
function assertAllowed(seen: readonly string[]): void {
  assert.equal(seen.length, 7, seen.join(', '));
  for (const c of [0, 1, 2]) assert.ok(seen.indexOf(`idle ${c}`) >= 0 && seen.indexOf(`idle ${c}`) < seen.indexOf(`state ${c} F1`), seen.join(', '));
  assert.equal(seen.at(-1), 'power not required');
}

test('without 0x8000 the framework calls back in one order: the components in turn, then device power', async () => {
  const seen = await order(STANDARD_FLAGS);
  assert.deepEqual(seen, ['idle 0', 'idle 1', 'idle 2', 'state 0 F1', 'state 1 F1', 'state 2 F1', 'power not required']);
  assert.deepEqual(await order(STANDARD_FLAGS, 5), seen, 'a seed changes nothing without the option');
  assert.deepEqual(lastLines, [], 'and nothing is reported');
});

test('with 0x8000: the same seed gives the same order, other seeds other orders, each one the framework allows', async () => {
  const bySeed = new Map<number, string>();
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const seen = await order(FUZZ, seed);
    assertAllowed(seen);
    bySeed.set(seed, seen.join(', '));
  }
  assert.ok(new Set(bySeed.values()).size > 1, `every seed gave the same order: ${bySeed.get(1)}`);
  assert.equal((await order(FUZZ, 3)).join(', '), bySeed.get(3));
  assert.match(lastLines.join('\n'), /^Power framework delay fuzzing \(seed 3\): \d+ delays? inserted, \d+ ms of simulated time in all$/);
  const plain = (await order(STANDARD_FLAGS)).join(', ');
  assert.ok([...bySeed.values()].some((o) => o !== plain), 'some seed changed the order');
});
