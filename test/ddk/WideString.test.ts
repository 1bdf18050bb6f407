/** L"..." literals are 16-bit under the driver flags, as the kernel's WCHAR is; without -fshort-wchar the headers refuse to compile. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TARGET_FLAGS } from '../../src/build/flags.ts';
import { compileC, NEEDS_CLANG } from './support.ts';

const check = [
  '#include <wdm.h>',
  '_Static_assert(sizeof(L"ab") == 6, "L\\"ab\\" is three 16-bit units");',
  '_Static_assert(sizeof(L"ab"[0]) == 2, "a wide character is 16-bit");',
  '_Static_assert(sizeof(WCHAR) == 2, "WCHAR is 16-bit");',
  'static const WCHAR Name[] = L"\\\\Device\\\\X";',
  '_Static_assert(sizeof(Name) == 2 * 10, "ten WCHARs with the terminator");',
  '',
].join('\n');

test('L"ab" is 16-bit with the driver flags', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(check);
  assert.equal(status, 0, stderr);
});

test('without -fshort-wchar the header stops the build, saying why', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC(check, { flags: TARGET_FLAGS.filter((f) => f !== '-fshort-wchar') });
  assert.notEqual(status, 0);
  assert.match(stderr, /WCHAR is 16-bit: compile with -fshort-wchar/);
});
