/** Shared by the ddk tests: the toolchain (or the reason to skip), and compiling C text with the driver flags. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGET_FLAGS } from '../../src/build/flags.ts';
import { DDK_INCLUDE } from '../../src/build/paths.ts';
import { findToolchain, INSTALL_HINT } from '../../src/build/toolchain.ts';

const found = findToolchain();
export const toolchain = found.ok ? found.toolchain : undefined;

/** node:test's skip option: false when clang is here, else the reason, printed with the skip. */
export const NEEDS_CLANG: false | string = toolchain ? false : `clang-16 not installed: ${INSTALL_HINT}`;

/** Run fn with a fresh temporary directory, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'dv-ddk-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error lines of clang's output, the first few: enough to say what disagrees without the flood. */
export function firstErrors(stderr: string, count = 25): string {
  const errors = stderr.split('\n').filter((l) => l.includes('error:'));
  return errors.slice(0, count).join('\n') + (errors.length > count ? `\n... and ${errors.length - count} more` : '');
}

/** Compile C text against ddk/include (syntax and static assertions only, or to an object). */
export function compileC(text: string, options: { flags?: readonly string[]; object?: string } = {}): { status: number | null; stderr: string } {
  if (!toolchain) throw new Error('compileC needs clang');
  const work = mkdtempSync(join(tmpdir(), 'dv-ddk-c-'));
  try {
    const file = join(work, 'check.c');
    writeFileSync(file, text);
    const flags = options.flags ?? TARGET_FLAGS;
    const mode = options.object ? ['-O2', '-c', '-o', options.object] : ['-fsyntax-only'];
    const r = spawnSync(toolchain.clang, [...flags, '-I', DDK_INCLUDE, ...mode, file], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
