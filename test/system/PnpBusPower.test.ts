/**
 * A bus and its children through a sleep and a rebalance (dv run --sleep, --stop-start with the PnpBus
 * sample and PnpChild as the children's driver, TS and C): the S-IRPs reach every started stack, each
 * child powering down before its parent (queried and set to S3 first) and up after it (set to S0 last);
 * a rebalance query-stops and stops the children before the bus, then starts the bus and its children
 * again in the order they were enumerated. Nothing leaks.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const PAIRS = {
  ts: { bus: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpBus.ts'), child: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpChild.ts') },
  c: { bus: join(ROOT, 'drivers', 'c', 'pnp', 'PnpBus', 'PnpBus.wasm'), child: join(ROOT, 'drivers', 'c', 'pnp', 'PnpChild', 'PnpChild.wasm') },
} as const;
const BUS = 'bus';
const CHILD0 = 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&0';
const CHILD1 = 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&1';

async function run(pair: { bus: string; child: string }, opts: { sleep?: boolean; stopStart?: boolean }) {
  const lines: string[] = [];
  const outcome = await runDriver({
    driver: pair.bus,
    verifierFlags: STANDARD_FLAGS,
    childDrivers: [{ hardwareId: 'PnpBus\\PnpChild', driver: pair.child }],
    requests: [],
    onRequest: (l) => lines.push(l),
    ...opts,
  });
  assert.equal(outcome.bugCheck, null, String(outcome.bugCheck?.code));
  assert.equal(outcome.leakCount, 0);
  /** `who: IRP` for the lines of the minor codes asked, the bus's own lines as `bus`. */
  const of = (pattern: RegExp) =>
    lines
      .map((l) => /^(?:(PNPBUS\S+): )?(IRP_MN_\w+(?: \(\w+\))?) -> /.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && pattern.test(m[2]!))
      .map((m) => `${m[1] ?? BUS}: ${m[2]}`);
  return { outcome, of };
}

for (const [lang, pair] of Object.entries(PAIRS)) {
  test(`${lang}: --sleep powers each child down before the bus and up after it`, async () => {
    const { of } = await run(pair, { sleep: true });
    assert.deepEqual(of(/_POWER/), [
      `${CHILD0}: IRP_MN_QUERY_POWER (PowerSystemSleeping3)`,
      `${CHILD1}: IRP_MN_QUERY_POWER (PowerSystemSleeping3)`,
      `${BUS}: IRP_MN_QUERY_POWER (PowerSystemSleeping3)`,
      `${CHILD0}: IRP_MN_SET_POWER (PowerSystemSleeping3)`,
      `${CHILD1}: IRP_MN_SET_POWER (PowerSystemSleeping3)`,
      `${BUS}: IRP_MN_SET_POWER (PowerSystemSleeping3)`,
      `${BUS}: IRP_MN_SET_POWER (PowerSystemWorking)`,
      `${CHILD1}: IRP_MN_SET_POWER (PowerSystemWorking)`,
      `${CHILD0}: IRP_MN_SET_POWER (PowerSystemWorking)`,
    ]);
  });

  test(`${lang}: --stop-start stops the children before the bus and starts them after it, in enumeration order`, async () => {
    const { outcome, of } = await run(pair, { stopStart: true });
    const started = of(/STOP_DEVICE|START_DEVICE/);
    assert.deepEqual(started.slice(started.indexOf(`${CHILD0}: IRP_MN_QUERY_STOP_DEVICE`)), [
      `${CHILD0}: IRP_MN_QUERY_STOP_DEVICE`,
      `${CHILD1}: IRP_MN_QUERY_STOP_DEVICE`,
      `${BUS}: IRP_MN_QUERY_STOP_DEVICE`,
      `${CHILD0}: IRP_MN_STOP_DEVICE`,
      `${CHILD1}: IRP_MN_STOP_DEVICE`,
      `${BUS}: IRP_MN_STOP_DEVICE`,
      `${BUS}: IRP_MN_START_DEVICE`,
      `${CHILD0}: IRP_MN_START_DEVICE`,
      `${CHILD1}: IRP_MN_START_DEVICE`,
    ]);
    assert.deepEqual(outcome.pnp?.children.map((c) => c.state), ['DeviceNodeDeleted', 'DeviceNodeDeleted']);
  });
}
