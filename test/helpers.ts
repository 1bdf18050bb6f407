/** Shared test helpers: paths, golden files, hex. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const driver = (name: string) => join(ROOT, 'drivers', 'ts', name);
export const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'drivers', name);
export const hex = (n: number) => '0x' + (n >>> 0).toString(16);

/**
 * Compare text with a golden file. UPDATE_GOLDEN=1 rewrites the file instead (review the diff);
 * a missing golden file is a failure, never silently created.
 */
export function assertGolden(name: string, actual: string): void {
  const file = join(ROOT, 'test', 'debugger', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${name} is missing: run UPDATE_GOLDEN=1 npm test and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from golden file ${name} (UPDATE_GOLDEN=1 rewrites it)`);
}
