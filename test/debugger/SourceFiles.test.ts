/** Source files for lsa and `.lines`: a dump's file names are data, so a folder, an empty name or a missing file is "not found", never an error. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceFile } from '../../src/debugger/source.ts';

test('a file name that names a folder, nothing, or no file is not found', () => {
  assert.equal(sourceFile('', undefined), undefined);
  assert.equal(sourceFile('test', undefined), undefined);
  assert.equal(sourceFile('/', undefined), undefined);
  assert.equal(sourceFile('no/such/file.c', undefined), undefined);
  // No valid path: a name longer than a file system's 255 bytes (fast-check found lsa throwing ENAMETOOLONG).
  assert.equal(sourceFile('x'.repeat(300), undefined), undefined);
});

test('a real file reads as its lines, line 1 first', () => {
  const lines = sourceFile('test/debugger/SourceFiles.test.ts', undefined);
  assert.ok(lines);
  assert.match(lines[0]!, /^\/\*\* Source files for lsa/);
});
