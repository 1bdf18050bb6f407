/**
 * Hooks for the rows that need C drivers compiled to wasm running inside the simulator. The wasm
 * driver loader (src/loader/wasm, `dv build`) is being written; until it can load a driver each hook
 * returns undefined and its rows stay in the table, marked with WASM_NOT_AVAILABLE.
 *
 * When the loader lands: build bench/native/poolloop.c + poolloop-driver.c with `dv build`, load the
 * image with `openBenchDriver` (bench/machine.ts), send IOCTL_POOL_LOOP (poolloop.h) and return
 * figures named exactly as the placeholders below, so the table keeps its shape.
 */
import { missing, type Figure, type Row } from './harness.ts';

export const WASM_NOT_AVAILABLE = 'wasm loader not available yet (src/loader/wasm, dv build)';

/** Placeholder rows of a hook: [figure, unit]. */
export type Placeholders = readonly (readonly [string, string])[];

export const WASM_POOL_PAIR_ROWS: Placeholders = [
  ['pool pair, C/wasm: (e) kernel, no verifier', 'ns/pair'],
  ['pool pair, C/wasm: (f) /standard, callers and stacks', 'ns/pair'],
  ['pool pair, C/wasm: (f)/(e)', 'x'],
];

/** Figure 1 for a C driver: 64-byte pairs (IOCTL_POOL_LOOP with minSize = maxSize = 64). */
export async function wasmPoolPairs(_quick: boolean): Promise<Figure[] | undefined> {
  return undefined;
}

export const WASM_IRP_ROWS: Placeholders = [
  ['IRP throughput, C/wasm: no verifier', 'IOCTL/s'],
  ['IRP throughput, C/wasm: /standard', 'IOCTL/s'],
  ['IRP throughput, C/wasm: no verifier / /standard', 'x'],
];

/** Figure 2 for a C driver: a C twin of bench/drivers/Echo.ts. */
export async function wasmIrpThroughput(_quick: boolean): Promise<Figure[] | undefined> {
  return undefined;
}

export const WASM_NATIVE_ROWS: Placeholders = [
  ['native C loop: (iv) wasm in the simulator, /standard', 'ns/pair'],
  ['native C loop: (iv)/(i)', 'x'],
];

/** Figure 5 row (iv): bench/native/poolloop.c under /standard, same count and sizes as (i). */
export async function wasmNativeLoop(_quick: boolean, _count: number): Promise<Figure[] | undefined> {
  return undefined;
}

/** The hook's figures, or its placeholder rows marked as not available. */
export function orPlaceholders(result: Figure[] | undefined, rows: Placeholders, note = WASM_NOT_AVAILABLE): Row[] {
  return result ?? rows.map(([figure, unit]) => missing(figure, unit, note));
}
