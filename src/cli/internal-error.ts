/**
 * dv's own faults (exit 3): a short line on stderr, the stack only with --verbose, and a file with
 * the details to attach to a bug report. Never presented as the driver's bug check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from './exit-codes.ts';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

function dvVersion(): string {
  try {
    return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The stack of `e` and of each error that caused it. */
function stacks(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 8; c = (c as { cause?: unknown }).cause, depth++) {
    parts.push((depth === 0 ? '' : 'Caused by: ') + (c instanceof Error ? (c.stack ?? `${c.name}: ${c.message}`) : String(c)));
    if (!(c instanceof Error)) break;
  }
  return parts.join('\n');
}

/** The one line a user sees: the message's first line. */
export function internalErrorMessage(e: unknown): string {
  const text = e instanceof Error ? (e.name === 'InternalError' ? e.message : `${e.name}: ${e.message}`) : String(e);
  return text.split(/\r?\n|\u2028|\u2029/)[0]!;
}

/** Report an internal error and set exit code 3. Returns the details file's path (undefined if it could not be written). */
export function reportInternalError(e: unknown, verbose: boolean): string | undefined {
  process.stderr.write(`dv: internal error: ${internalErrorMessage(e)}\n`);
  if (verbose) process.stderr.write(stacks(e) + '\n');
  const details = [
    'dv internal error',
    `message: ${e instanceof Error ? e.message : String(e)}`,
    `dv version: ${dvVersion()}`,
    `node: ${process.version} (${process.platform} ${process.arch})`,
    `argv: ${JSON.stringify(process.argv.slice(2))}`,
    `cwd: ${process.cwd()}`,
    '',
    stacks(e),
    '',
  ].join('\n');
  const file = join(tmpdir(), `dv-internal-error-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.txt`);
  process.exitCode = EXIT.INTERNAL;
  try {
    writeFileSync(file, details);
  } catch (w) {
    process.stderr.write(`dv: could not write the details file ${file}: ${(w as Error).message}\n`);
    return undefined;
  }
  process.stderr.write(`dv: details are in ${file}; please attach it to a bug report${verbose ? '' : ' (--verbose prints the stack)'}\n`);
  return file;
}
