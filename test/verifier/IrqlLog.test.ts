/**
 * Force IRQL checking's IRQL transition log: every raise, lower, spin lock acquire and release of a
 * verified driver is recorded with its thread, the IRQL before and after and the driver's stack, and
 * `!verifier 8 [Quantity]` prints the newest entries in kd's layout (golden beside this test).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { IRQL_LOG_CAPACITY } from '../../src/verifier/irql-log.ts';
import { runSample } from './rules/support.ts';

const GOLDEN = join(import.meta.dirname, 'golden', 'verifier-8.out');

/** Force IRQL checking alone (the automatic checks still stop the sample): what stops it does not depend on other options. */
const FORCE_IRQL = { verifierFlags: VF.FORCE_IRQL_CHECKING };

test('!verifier 8: the acquire and release before SpinLockReleaseBadIrql releases twice, newest first, in kd layout (golden)', async () => {
  const r = await runSample('drivers/c/rules/SpinLockReleaseBadIrql.wasm', [], FORCE_IRQL);
  assert.ok(r.bugCheck, 'the second release stops the run, the driver still loaded');
  const log = r.dump.verifier!.irqlLog!;
  assert.deepEqual(
    log.records.map((x) => [x.oldIrql, x.newIrql]),
    [
      [DISPATCH_LEVEL, PASSIVE_LEVEL],
      [PASSIVE_LEVEL, DISPATCH_LEVEL],
    ],
    'release (newest), then acquire',
  );
  const out = execute(new DebugTarget(r.dump), '!verifier 8');
  assert.match(out.join('\n'), /    [0-9a-f]{8} SpinLockReleaseBadIrql!\w+\+0x[0-9a-f]+\n/, "each entry's stack starts at the driver's call");
  assert.equal(out.join('\n') + '\n', readFileSync(GOLDEN, 'utf8'));
});

test('!verifier 8 Quantity limits the entries; a TypeScript driver is logged too', async () => {
  const r = await runSample('drivers/ts/rules/SpinLockReleaseBadIrql.ts', [], FORCE_IRQL);
  const records = r.dump.verifier!.irqlLog!.records;
  assert.ok(records.length >= 2, `raises and lowers were logged (${records.length})`);
  const t = new DebugTarget(r.dump);
  const one = execute(t, '!verifier 8 1');
  assert.equal(one.filter((l) => l.startsWith('Thread:')).length, 1);
  assert.equal(one[1], 'Displaying most recent 0x00000001 entries from the IRQL transition log.');
  assert.equal(one[2], `There are up to 0x${IRQL_LOG_CAPACITY.toString(16)} entries in the log.`);
  const frames = one.filter((l) => /^ {4}[0-9a-f]{8} /.test(l));
  assert.match(frames[0]!, /^ {4}[0-9a-f]{8} SpinLockReleaseBadIrql!BumpCounter\+0x/, "the newest entry's stack starts at the driver's call");
});

test('without Force IRQL checking nothing is logged', async () => {
  const r = await runSample('drivers/c/rules/WaitTimeoutAtDispatchClean.wasm', [], { verifierFlags: STANDARD_FLAGS & ~VF.FORCE_IRQL_CHECKING });
  assert.deepEqual(r.dump.verifier!.irqlLog!.records, []);
  assert.equal(execute(new DebugTarget(r.dump), '!verifier 8')[1], 'Displaying most recent 0x00000000 entries from the IRQL transition log.');
});
