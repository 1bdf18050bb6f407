/**
 * The kernel half of the address space (from 2^31) as a byte view of its own. V8's typed-array
 * builtins (fill, set, copyWithin) take a fast path only for offsets that are small integers: at a
 * kernel address (above 0x7fffffff) each call boxed its offsets and ran about three times slower
 * (measured: a 512-byte fill of shadow 476 ns against 150 ns through this view). Offsets into this
 * view are below 2^31, so the fast path is taken. Element reads and DataView access are inlined by
 * the JIT whatever the offset, and need no view.
 */
export const HIGH_HALF = 0x8000_0000;

/** The view of `bytes` (the whole 4 GiB space) from HIGH_HALF on. */
export function highHalf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + HIGH_HALF, bytes.length - HIGH_HALF);
}

/** bytes[start, end) = value, through `high` when the range lies in the kernel half. */
export function fillRange(bytes: Uint8Array, high: Uint8Array, start: number, end: number, value: number): void {
  if (start >= HIGH_HALF) high.fill(value, start - HIGH_HALF, end - HIGH_HALF);
  else bytes.fill(value, start, end);
}
