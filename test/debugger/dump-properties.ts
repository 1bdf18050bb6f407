/**
 * The checks behind the dump properties, shared by DumpProperties.test.ts and `npm run fuzz:dumps`.
 * Each throws (an AssertionError, or the unexpected exception itself) when the property fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { DumpError, HEADER_SIZE, fieldName, parseDump } from '../../src/debugger/dump.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { ROOT } from '../helpers.ts';
import { commandLines, dumpFile, type Mutation } from './dump-mutations.ts';

function parseError(bytes: Uint8Array, what: string): DumpError {
  try {
    parseDump(bytes, 'm.dmp');
  } catch (e) {
    if (e instanceof DumpError) return e;
    throw new Error(`${what}: parseDump threw ${String(e)}, not a DumpError`, { cause: e });
  }
  assert.fail(`${what}: parseDump accepted it`);
}

/** A broken field is a DumpError whose path starts with the field's, and whose message names it. */
export function checkBroken(m: Mutation): void {
  const e = parseError(dumpFile(m.json), m.what);
  assert.ok(e.path, `${m.what}: the error has a path (${e.message})`);
  assert.deepEqual(e.path.slice(0, m.path.length), m.path, `${m.what}: the error names ${fieldName(m.path)} (${e.message})`);
  assert.ok(e.message.startsWith(`damaged dump: ${fieldName(e.path)} `), `${m.what}: ${e.message}`);
}

/**
 * An odd dump either is turned away with a DumpError or validates; then every command answers
 * with lines of text, none of them showing a value that was never there.
 */
export function checkOdd(m: Mutation): 'validated' | 'rejected' {
  let target: DebugTarget;
  try {
    target = new DebugTarget(parseDump(dumpFile(m.json), 'm.dmp'));
  } catch (e) {
    if (e instanceof DumpError) return 'rejected';
    throw new Error(`${m.what}: parseDump threw ${String(e)}, not a DumpError`, { cause: e });
  }
  for (const line of commandLines(m.json)) {
    let out: string[];
    try {
      out = execute(target, line);
    } catch (e) {
      throw new Error(`${m.what}: '${line}' threw ${String(e)}`, { cause: e });
    }
    assert.ok(Array.isArray(out) && out.every((l) => typeof l === 'string'), `${m.what}: '${line}' answers with lines of text`);
    const text = out.join('\n');
    assert.doesNotMatch(text, /\bundefined\b|\bNaN\b|\[object /, `${m.what}: '${line}' printed\n${text}`);
  }
  return 'validated';
}

/** One byte changed anywhere in the file. */
export function checkFlip(bytes: Uint8Array): void {
  assert.match(parseError(bytes, 'a flipped byte').message, /^damaged dump: checksum mismatch/);
}

/** The file cut to `length` bytes (0 < length < the file's). */
export function checkTruncation(file: Buffer, length: number): void {
  const message = parseError(file.subarray(0, length), `cut to ${length} bytes`).message;
  const expected = length < 16 ? `truncated \\(${length} bytes; its header alone is ${HEADER_SIZE}\\)` : `truncated \\(${length} of ${file.length} bytes`;
  assert.match(message, new RegExp(`^damaged dump: ${expected}`));
}

/** The commands the CLI property runs on each mutated dump file. */
export const KD_COMMANDS = '!analyze -v; !verifier 3; k; lm; ln 0; !verifier 0x80 10';

export interface KdResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `dv kd -z FILE -c KD_COMMANDS` on these bytes, in a child process. */
export async function kdOnBytes(bytes: Uint8Array, dir: string, name: string): Promise<KdResult> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'kd', '-z', path, '-c', KD_COMMANDS], { cwd: ROOT, encoding: 'utf8' }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : EXIT.CLEAN, out, err });
    });
  });
}

/** A damaged dump through the CLI: exit 2, `dv: damaged dump...` on stderr, no stack trace, nothing on stdout. */
export function checkKdDamaged(r: KdResult, what: string): void {
  assert.equal(r.code, EXIT.USAGE, `${what}: exit ${r.code}\n${r.err}`);
  assert.match(r.err, /^dv: damaged dump: /, what);
  assert.doesNotMatch(r.err, /^ {4}at /m, `${what}: a stack trace on stderr\n${r.err}`);
  assert.equal(r.out, '', what);
}

/** Run `task` over `items`, `width` at a time (child processes on a shared machine). */
export async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => task(x, i + j)))));
  return results;
}
