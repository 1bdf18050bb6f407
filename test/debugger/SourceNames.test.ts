/** A dump's source file names are data: one too long for the file system is a file not found, not a crash (found by DumpProperties). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceFile } from '../../src/debugger/source.ts';

test('a source file name longer than the file system allows is not found', () => {
  assert.equal(sourceFile('x'.repeat(5000), undefined), undefined);
  assert.equal(sourceFile(`/${'y'.repeat(300)}.c`, undefined), undefined);
});
