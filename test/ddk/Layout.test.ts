/**
 * The C structures of ddk/include against src/nt/layout.ts, and the shared constants against src/nt:
 * the generated static assertions must compile with the driver flags.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { C_PATH_PREFIXES, layoutCheckSource, sharedConstants } from '../../src/build/layout-check.ts';
import { LAYOUTS, type StructLayout } from '../../src/nt/layout.ts';
import { compileC, firstErrors, NEEDS_CLANG } from './support.ts';

function fieldCount(layout: StructLayout): number {
  return layout.fields.reduce((n, f) => n + 1 + (typeof f.type !== 'string' && !('array' in f.type) ? fieldCount(f.type) : 0), 0);
}

test('every structure of LAYOUTS and every field, nested ones included, has its assertions', () => {
  const source = layoutCheckSource();
  for (const layout of LAYOUTS) {
    assert.ok(source.includes(`_Static_assert(sizeof(${layout.name}) == ${layout.size},`), `no sizeof assertion for ${layout.name}`);
    const offsets = source.split('\n').filter((l) => l.startsWith(`_Static_assert(offsetof(${layout.name}, `)).length;
    assert.equal(offsets, fieldCount(layout), `${layout.name}: one offsetof assertion per field`);
  }
  assert.ok(source.includes('offsetof(IRP, Tail.Overlay.CurrentStackLocation)'), 'IRP tail members use their wdm.h names');
  for (const struct of Object.keys(C_PATH_PREFIXES)) assert.ok(LAYOUTS.some((l) => l.name === struct), `name mapping for unknown structure ${struct}`);
  assert.ok(sharedConstants().some(([expr]) => expr === '(ULONG)STATUS_PENDING'));
});

test('the C structures have the layouts of src/nt/layout.ts, and the constants its values', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(layoutCheckSource());
  assert.equal(status, 0, `ddk/include disagrees with src/nt:\n${firstErrors(stderr)}`);
});

test('a wrong offset fails the check, naming the field', { skip: NEEDS_CLANG }, () => {
  const source = layoutCheckSource().replace(
    /offsetof\(IRP, Tail\.Overlay\.CurrentStackLocation\) == (\d+)/,
    (_m, n: string) => `offsetof(IRP, Tail.Overlay.CurrentStackLocation) == ${Number(n) + 4}`,
  );
  const { status, stderr } = compileC(source);
  assert.notEqual(status, 0);
  assert.match(stderr, /offsetof\(IRP, Tail\.Overlay\.CurrentStackLocation\) is not \d+/);
});

test('a wrong constant fails the check, naming it', { skip: NEEDS_CLANG }, () => {
  const source = layoutCheckSource().replace('((ULONG)STATUS_PENDING) == 0x103UL', '((ULONG)STATUS_PENDING) == 0x104UL');
  const { status, stderr } = compileC(source);
  assert.notEqual(status, 0);
  assert.match(stderr, /STATUS_PENDING is not 0x103/);
});
