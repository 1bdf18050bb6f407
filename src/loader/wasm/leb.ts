/** LEB128 encoders, the writing side of reader.ts's `uleb`/`sleb`: what a code rewrite emits. */

export function uleb(n: number): number[] {
  // A negative or fractional value has no unsigned encoding (and would never reach 0 below).
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n} is not an unsigned integer`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit value (i32.const's immediate). */
export function sleb(n: number): number[] {
  n |= 0;
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A wasm `name`: its byte length, then its UTF-8. */
export function nameBytes(s: string): number[] {
  const utf8 = new TextEncoder().encode(s);
  return [...uleb(utf8.length), ...utf8];
}
