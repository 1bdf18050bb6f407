/**
 * Properties of reading dumps, over mutations of a real dump (dump-mutations.ts):
 * - a dump broken in one field is a DumpError naming that field, never another exception;
 * - a dump that validates answers every kd command with text, never an exception;
 * - a byte flip anywhere is a checksum mismatch, a truncation says how much is there.
 * Bounded to a few seconds; `npm run fuzz:dumps -- --runs N` runs the same properties longer.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { demoDumpJson, dumpFile, brokenDump, oddDump, flipByte } from './dump-mutations.ts';
import { checkBroken, checkFlip, checkOdd, checkTruncation } from './dump-properties.ts';

const base = await demoDumpJson();
const file = dumpFile(base);

test('a dump broken in one field is a DumpError naming that field', () => {
  fc.assert(fc.property(brokenDump(base), (m) => checkBroken(m)), { numRuns: 200 });
});

test('a dump that validates answers every kd command with text', () => {
  let validated = 0;
  fc.assert(
    fc.property(oddDump(base), (m) => {
      if (checkOdd(m) === 'validated') validated++;
    }),
    { numRuns: 100 },
  );
  // Most odd dumps are valid: the property must not pass by having them all turned away.
  assert.ok(validated >= 40, `only ${validated} of 100 odd dumps validated`);
});

test('a flipped byte anywhere is a checksum mismatch', () => {
  fc.assert(fc.property(fc.nat(file.length - 1), fc.nat(254), (at, xor) => checkFlip(flipByte(file, at, xor))), { numRuns: 1000 });
});

test('a truncated dump says how much of it is there', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: file.length - 1 }), (length) => checkTruncation(file, length)), { numRuns: 1000 });
});
