/**
 * The C drivers of the C/wasm rows (figure 1 (e)-(f'), figure 2's C/wasm rows, figure 5 (iv)), built
 * with dv build (`buildDriver`, clang 16+ and wasm-ld) into a temporary directory for the section
 * that needs them, and deleted afterwards: no .wasm is kept under bench/. The sampler children find
 * the directory in DV_BENCH_WASM_DIR. Where the build cannot run (no clang, no wasm-ld) the rows stay
 * in the table as Missing rows whose note is dv build's own reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDriver } from '../src/build/build.ts';
import { missing, type Missing } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { firstLine } from './proc.ts';

/** Image name (the output's base name, so the module is `<name>.sys`) -> its sources under bench/. */
export const C_DRIVERS = {
  PoolPairs: ['drivers/c/PoolPairs.c'],
  Echo: ['drivers/c/Echo.c'],
  PoolLoop: ['native/poolloop.c', 'native/poolloop-driver.c'],
} as const satisfies Record<string, readonly string[]>;
export type CDriver = keyof typeof C_DRIVERS;

export const WASM_DIR_ENV = 'DV_BENCH_WASM_DIR';

/** The line of dv build's diagnostics that says why it failed. */
function reason(diagnostics: string): string {
  return diagnostics.split('\n').find((l) => /\berror\b|^dv build:/.test(l))?.trim() ?? firstLine(diagnostics);
}

/**
 * Build `name` into a fresh temporary directory and run `measure` with the environment its sampler
 * children need; or, if it cannot be built, `unavailable` with the note its rows should carry.
 */
export async function withCDriver<T>(name: CDriver, measure: (env: NodeJS.ProcessEnv) => Promise<T>, unavailable: (note: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-wasm-'));
  try {
    const r = buildDriver({ sources: C_DRIVERS[name].map((s) => join(BENCH_DIR, s)), output: join(dir, `${name}.wasm`) });
    if (!r.ok) return await unavailable(`not measured: ${reason(r.diagnostics)}`);
    return await measure({ [WASM_DIR_ENV]: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In a sampler child: the image the parent built (withCDriver). */
export function builtCDriver(name: CDriver): string {
  const dir = process.env[WASM_DIR_ENV];
  if (!dir) throw new Error(`${name}.wasm: ${WASM_DIR_ENV} is not set (C/wasm configurations run under withCDriver)`);
  return resolve(dir, `${name}.wasm`);
}

/** Rows [figure, unit] that could not be measured, each with the same note. */
export function notMeasured(rows: readonly (readonly [string, string])[], note: string): Missing[] {
  return rows.map(([figure, unit]) => missing(figure, unit, note));
}
