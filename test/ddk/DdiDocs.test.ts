/** docs/ddi-support.md is generated from the kernel's export table and ddk/include: the committed file must be current. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderDdiSupport } from '../../src/build/ddi-docs.ts';
import { readDdiPrototypes } from '../../src/build/headers.ts';
import { ddisBySubsystem } from '../../src/build/kernel-ddis.ts';
import { DDI_SUPPORT_DOC } from '../../src/build/paths.ts';
import { Kernel } from '../../src/kernel/kernel.ts';

test('the subsystem folders together export exactly the kernel DDI table, each DDI once', async () => {
  const names = (await ddisBySubsystem()).flatMap((s) => s.names);
  assert.deepEqual([...names].sort(), Object.keys(new Kernel().ddi).sort());
});

test('docs/ddi-support.md is up to date (npm run docs:ddi regenerates it)', async () => {
  assert.ok(existsSync(DDI_SUPPORT_DOC), 'docs/ddi-support.md is missing: run npm run docs:ddi');
  const expected = renderDdiSupport(await ddisBySubsystem(), readDdiPrototypes());
  assert.equal(readFileSync(DDI_SUPPORT_DOC, 'utf8'), expected, 'docs/ddi-support.md is stale: run npm run docs:ddi and commit it');
});

test('the page marks a DDI without a C prototype', () => {
  const page = renderDdiSupport([{ folder: 'io', names: ['IoCreateDevice', 'IoMadeUp'] }], readDdiPrototypes());
  assert.match(page, /\| IoCreateDevice \| `dv\/io\.h` \| `\(i32, i32, i32, i32, i32, i32, i32\) -> i32` \|/);
  assert.match(page, /\| IoMadeUp \| none \|/);
  assert.match(page, /exports 2 DDIs; 1 of them have a C prototype/);
});
