/**
 * Bounds-checked little-endian reads over a byte range, shared by the wasm and DWARF parsers.
 * Every failure is a MalformedWasmError naming what was being read and where, so the loader can
 * report a malformed module instead of crashing, and no read can run past the range it was given.
 */

/** A driver module (or one of its sections) is not well formed. */
export class MalformedWasmError extends Error {
  override readonly name = 'MalformedWasmError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const hexOffset = (n: number) => '0x' + n.toString(16);

export class ByteReader {
  /**
   * @param what names the range in messages (`wasm module`, `.debug_line`).
   * @param base is added to positions in messages, so a section's reader can report module offsets.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
    public pos = 0,
    readonly end = bytes.length,
    readonly base = 0,
  ) {
    if (pos < 0 || end > bytes.length || pos > end) throw new RangeError(`ByteReader range [${pos}, ${end}) outside ${bytes.length} bytes`);
  }

  get left(): number {
    return this.end - this.pos;
  }

  fail(problem: string, at = this.pos): never {
    throw new MalformedWasmError(`${this.what}: ${problem} at offset ${hexOffset(this.base + at)}`);
  }

  /** Fails unless `n` more bytes of `thing` are there. */
  need(n: number, thing: string, at = this.pos): void {
    if (n > this.end - at) this.fail(`${thing} (${n} bytes) runs past the end (${this.end - at} left)`, at);
  }

  u8(thing: string): number {
    this.need(1, thing);
    return this.bytes[this.pos++]!;
  }

  i8(thing: string): number {
    return (this.u8(thing) << 24) >> 24;
  }

  u16(thing: string): number {
    this.need(2, thing);
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(thing: string): number {
    this.need(4, thing);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** A 64-bit value as a number: exact up to 2^53, which covers every offset and address we use. */
  u64(thing: string): number {
    const lo = this.u32(thing);
    return this.u32(thing) * 2 ** 32 + lo;
  }

  /** Unsigned LEB128 of at most `maxBytes` bytes (5 for wasm's u32, 10 for DWARF's 64-bit values). */
  uleb(thing: string, maxBytes = 10): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) this.fail(`truncated LEB128 ${thing}`, start);
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    return this.fail(`LEB128 ${thing} longer than ${maxBytes} bytes`, start);
  }

  /** wasm's u32 LEB128 (at most 5 bytes, value below 2^32). */
  u32leb(thing: string): number {
    const start = this.pos;
    const v = this.uleb(thing, 5);
    if (v > 0xffffffff) this.fail(`LEB128 ${thing} ${v} does not fit in 32 bits`, start);
    return v;
  }

  sleb(thing: string, maxBytes = 10): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) this.fail(`truncated LEB128 ${thing}`, start);
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return b & 0x40 ? value - 2 ** (7 * (i + 1)) : value;
    }
    return this.fail(`LEB128 ${thing} longer than ${maxBytes} bytes`, start);
  }

  take(n: number, thing: string): Uint8Array {
    this.need(n, thing);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, thing: string): void {
    this.need(n, thing);
    this.pos += n;
  }

  /** A reader over the next `n` bytes (reporting the same offsets); this one moves past them. */
  sub(n: number, what: string): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.bytes, what, this.pos, this.pos + n, this.base);
    this.pos += n;
    return r;
  }

  /** wasm `name`: u32 LEB length, then UTF-8. */
  name(thing: string): string {
    const at = this.pos;
    return this.decode(this.take(this.u32leb(`${thing} length`), thing), thing, at);
  }

  /** NUL-terminated UTF-8 (DWARF DW_FORM_string and the v4 line header tables). */
  cstring(thing: string): string {
    const at = this.pos;
    const nul = this.bytes.subarray(at, this.end).indexOf(0);
    if (nul < 0) this.fail(`${thing} has no terminating NUL before the end`, at);
    this.pos = at + nul + 1;
    return this.decode(this.bytes.subarray(at, at + nul), thing, at);
  }

  private decode(bytes: Uint8Array, thing: string, at: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail(`${thing} is not valid UTF-8`, at);
    }
  }
}

/** The NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
export function stringAt(section: Uint8Array | undefined, sectionName: string, offset: number): string {
  if (!section) throw new MalformedWasmError(`${sectionName}: the module has no ${sectionName} section, but a string at offset ${hexOffset(offset)} is referenced`);
  const r = new ByteReader(section, sectionName);
  if (offset >= section.length) r.fail(`string offset past the end of the section (${section.length} bytes)`, offset);
  r.pos = offset;
  return r.cstring('string');
}
