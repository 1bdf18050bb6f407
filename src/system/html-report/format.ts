/** How the report writes numbers, sizes and simulated times (one definition for the page and its charts). */
import { TICKS_PER_MS } from '../../kernel/ke/clock.ts';

export const hexs = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;
export const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
/** One decimal at most: 12, 12.5. */
export const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** Simulated time (100 ns units): `0 ms`, `12.5 ms`, `3.250 s`. */
export const simTime = (t: number) => (t === 0 ? '0 ms' : t < 1000 * TICKS_PER_MS ? `${n1(t / TICKS_PER_MS)} ms` : `${(t / (1000 * TICKS_PER_MS)).toFixed(3)} s`);

export function bytesText(n: number): string {
  if (n < 0x400) return `${n} B`;
  if (n < 0x100000) return `${n1(n / 0x400)} KiB`;
  return `${n1(n / 0x100000)} MiB`;
}
