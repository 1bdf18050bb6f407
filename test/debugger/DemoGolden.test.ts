/**
 * The demo's debugger output, pinned as text: `!analyze -v`, `!verifier 3 MyDriver.sys`, `ln` on each
 * caller and `!verifier 0x80` on each leaked block. A layout change fails here; UPDATE_GOLDEN=1
 * rewrites the files for review.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS, demoCommands } from '../../src/cli/demo.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, driver } from '../helpers.ts';

const outcome = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
const target = new DebugTarget(outcome.dump);
const run = (cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(target, c)].join('\n')).join('\n') + '\n';
const commands = demoCommands(outcome);

test('the demo runs the seed recipe: analyze, !verifier 3, ln per caller, !verifier 0x80 per block', () => {
  assert.equal(commands.length, 2 + 3 + 3);
});

test('!analyze -v', () => assertGolden('demo.analyze-v.out', run(['!analyze -v'])));
test('!verifier 3 MyDriver.sys', () => assertGolden('demo.verifier-3.out', run(['!verifier 3 MyDriver.sys'])));
test('ln on each caller', () => assertGolden('demo.ln.out', run(commands.filter((c) => c.startsWith('ln ')))));
test('!verifier 0x80 on each leaked address', () => assertGolden('demo.verifier-0x80.out', run(commands.filter((c) => c.startsWith('!verifier 0x80')))));
test('.bugcheck, k and lm', () => assertGolden('demo.bugcheck-k-lm.out', run(['.bugcheck', 'k', 'lm'])));
test('help, generated from the command table', () => assertGolden('help.out', run(['help'])));
test('!verifier 1 lists the driver without its allocations; !verifier alone prints settings and statistics', () =>
  assertGolden('demo.verifier-0-1.out', run(['!verifier', '!verifier 1'])));
