/**
 * The debugger's execute never throws for a command's own failure: whatever line is typed (line
 * separators, control characters, odd numbers), the answer is kd-style text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { execute, interpret } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver } from '../helpers.ts';

const r = await runDriver({
  driver: driver('MyDriver.ts'),
  verifierFlags: STANDARD_FLAGS,
  ioctls: [{ code: 0x222003, input: Buffer.from('4d79', 'hex'), outputLength: 8 }],
});
const t = new DebugTarget(r.dump);
const U = '\u2028';

test('a command with U+2028 in its arguments runs and answers (it used to throw inside the debugger)', () => {
  assert.match(execute(t, `!analyze -v${U}`).join('\n'), /DRIVER_VERIFIER_DETECTED_VIOLATION \(c4\)/);
  assert.equal(execute(t, `ln ${U}x`).join('\n'), "Couldn't resolve error at 'x'");
  assert.match(execute(t, `!verifier 3 ${U}.sys`).join('\n'), /\.sys is not in the Driver Verifier list/);
  assert.deepEqual(interpret(t, `!analyze${U}-v`).status, 'ok');
});

test('bad numbers and unknown names are kd text with a status, never an exception', () => {
  assert.deepEqual(interpret(t, 'ln -1'), { output: ["Couldn't resolve error at '-1'"], status: 'error' });
  assert.deepEqual(interpret(t, 'ln ffffffffffffffffffff'), { output: ['Value ffffffffffffffffffff does not fit a 32-bit target address'], status: 'error' });
  assert.deepEqual(interpret(t, '!nosuch'), { output: ['No export nosuch found'], status: 'unknown' });
  assert.equal(interpret(t, 'nosuch 1').status, 'unknown');
  assert.deepEqual(interpret(t, `  ${U}  `), { output: [], status: 'ok' });
});

test('property: any line of any characters gets lines of text back, never an exception', () => {
  const names = ['!analyze', '!analyze -v', '!verifier', '!verifier 3', '!verifier 0x80', 'ln', 'lm', 'k', '.bugcheck', 'help', '!x', 'zz'];
  const odd = fc.constantFrom(U, '\u2029', '\n', '\r', '\0', '\t', '`', '!', ';', '0x', '0n', 'ffffffff', '\ud800', 'MyDriver!', '.sys', ' ');
  const arg = fc.array(fc.oneof(odd, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 5 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.constantFrom(...names), arg, (name, rest) => {
      const out = execute(t, `${name} ${rest}`);
      assert.ok(Array.isArray(out) && out.every((l) => typeof l === 'string'));
    }),
    { numRuns: 2000, seed: 8 },
  );
});
