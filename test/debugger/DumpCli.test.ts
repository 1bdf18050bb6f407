/**
 * `dv kd -z` on damaged dumps, as a user meets them: a field broken under a valid container, a
 * flipped byte, a truncated file. Each is exit 2 with `dv: damaged dump: ...` and no stack trace.
 * A few files only (each is a child process); `npm run fuzz:dumps -- --cli N` runs more.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { brokenDump, demoDumpJson, dumpFile, flipByte } from './dump-mutations.ts';
import { checkKdDamaged, inBatches, kdOnBytes } from './dump-properties.ts';

const base = await demoDumpJson();
const file = dumpFile(base);
const dir = mkdtempSync(join(tmpdir(), 'dv-dump-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('dv kd on dumps broken in one field: exit 2, the field named, no stack trace', async () => {
  const cases = fc.sample(brokenDump(base), 4);
  const results = await inBatches(cases, 4, (m, i) => kdOnBytes(dumpFile(m.json), dir, `broken-${i}.dmp`));
  results.forEach((r, i) => checkKdDamaged(r, cases[i]!.what));
});

test('dv kd on flipped and truncated dump files: exit 2, damaged dump, no stack trace', async () => {
  const flips = fc.sample(fc.tuple(fc.nat(file.length - 1), fc.nat(254)), 2).map(([at, x]) => ({ what: `byte ${at} flipped`, bytes: flipByte(file, at, x) }));
  const cuts = fc.sample(fc.integer({ min: 1, max: file.length - 1 }), 2).map((n) => ({ what: `cut to ${n} bytes`, bytes: file.subarray(0, n) }));
  const cases = [...flips, ...cuts];
  const results = await inBatches(cases, 4, (c, i) => kdOnBytes(c.bytes, dir, `bytes-${i}.dmp`));
  results.forEach((r, i) => checkKdDamaged(r, cases[i]!.what));
});

test('dv kd on the intact dump runs the same commands and exits 0 (so the cases above fail for their damage)', async () => {
  const r = await kdOnBytes(file, dir, 'intact.dmp');
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.match(r.out, /kd> !verifier 0x80 10\n/);
});
