/**
 * Counted 8-bit strings (STRING, ANSI_STRING) and their conversions to and from UNICODE_STRING,
 * upcasing, appending, and integers to and from text.
 *
 * The ANSI code page is Windows-1252, as on an English Windows. A routine asked to allocate its
 * destination (AllocateDestinationString) takes it from paged pool with the tag the kernel's string
 * routines use ('Strg'); RtlFreeUnicodeString / RtlFreeAnsiString give it back.
 */
import { POOL_TYPE, poolTag } from '../../nt/pool.ts';
import { STRING, UNICODE_STRING } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const S = STRING.off;
const US = UNICODE_STRING.off;
/** The tag of the kernel's string buffers (WRK RtlpAllocateStringRoutine: 'Strg'). */
export const TAG_STRING = poolTag('Strg');
/** The most bytes a counted string can hold (MAXUSHORT, less one so MaximumLength can count a NUL). */
const MAX_STRING = 0xfffe;

/** Windows-1252 0x80..0x9F, where it differs from Latin-1; its five unassigned bytes map to the same code point, as MultiByteToWideChar maps them. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];
const FROM_UNICODE = new Map(CP1252_HIGH.map((c, i) => [c, 0x80 + i]));

export const ansiToUnicode = (b: number): number => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b);
/** A character the code page lacks becomes '?', as WideCharToMultiByte's default character. */
export const unicodeToAnsi = (c: number): number => (c < 0x80 || (c >= 0xa0 && c < 0x100) ? c : (FROM_UNICODE.get(c) ?? 0x3f));

function upcase(c: number): number {
  const u = String.fromCharCode(c).toUpperCase();
  return u.length === 1 ? u.charCodeAt(0) : c;
}
const upcaseAnsi = (b: number): number => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b);

const DIGITS = '0123456789ABCDEF';

export function ansiStringExports(k: Kernel) {
  const as = k.as;
  const allocate = (bytes: number): number => k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, bytes, TAG_STRING);
  const free = (s: number, bufferOffset: number): void => {
    const buffer = as.u32(s + bufferOffset);
    if (buffer !== 0) k.ddi.ExFreePoolWithTag(buffer, TAG_STRING);
    as.zero(s, 8);
  };
  const initString = (DestinationString: number, SourceString: number): void => {
    const d = DestinationString >>> 0;
    const src = SourceString >>> 0;
    let length = 0;
    if (src !== 0) while (as.u8(src + length) !== 0) length++;
    if (length > MAX_STRING - 1) length = MAX_STRING - 1;
    as.setU16(d + S.Length, length);
    as.setU16(d + S.MaximumLength, src === 0 ? 0 : length + 1);
    as.setU32(d + S.Buffer, src);
  };
  /**
   * Where a conversion writes `bytes` (plus `nul` for its terminator): a new pool buffer, or the
   * caller's, which must hold the bytes. Returns the buffer, or an NTSTATUS (negative: failure).
   */
  const destination = (d: number, bytes: number, nul: number, allocateIt: number, maxOffset: number, bufferOffset: number): number | { status: number } => {
    if (allocateIt) {
      const buffer = allocate(bytes + nul);
      if (buffer === 0) return { status: STATUS.NO_MEMORY };
      as.setU16(d + maxOffset, bytes + nul);
      as.setU32(d + bufferOffset, buffer);
      return buffer;
    }
    if (bytes > as.u16(d + maxOffset)) return { status: STATUS.BUFFER_OVERFLOW };
    return as.u32(d + bufferOffset);
  };
  const compare = (s1: number, s2: number, insensitive: number): number => {
    const n1 = as.u16(s1 + S.Length);
    const n2 = as.u16(s2 + S.Length);
    const b1 = as.u32(s1 + S.Buffer);
    const b2 = as.u32(s2 + S.Buffer);
    for (let i = 0; i < Math.min(n1, n2); i++) {
      let c1 = as.u8(b1 + i);
      let c2 = as.u8(b2 + i);
      if (insensitive) [c1, c2] = [upcaseAnsi(c1), upcaseAnsi(c2)];
      if (c1 !== c2) return c1 - c2;
    }
    return n1 - n2;
  };
  /** Append `length` bytes at `src` to the UNICODE_STRING `d`; STATUS_BUFFER_TOO_SMALL if they do not fit. */
  const appendUnicode = (d: number, src: number, length: number): number => {
    const used = as.u16(d + US.Length);
    const max = as.u16(d + US.MaximumLength);
    if (used + length > max) return STATUS.BUFFER_TOO_SMALL;
    const buffer = as.u32(d + US.Buffer);
    if (length > 0) as.copy(buffer + used, src, length);
    as.setU16(d + US.Length, used + length);
    if (used + length + 2 <= max) as.setU16(buffer + used + length, 0);
    return STATUS.SUCCESS;
  };
  /** Parse digits as RtlCharToInteger does: white space, a sign, a 0x/0o/0b prefix when Base is 0. */
  const parse = (read: (i: number) => number, length: number, Base: number): { status: number; value: number } => {
    let base = Base >>> 0;
    if (base !== 0 && base !== 2 && base !== 8 && base !== 10 && base !== 16) return { status: STATUS.INVALID_PARAMETER, value: 0 };
    let i = 0;
    while (i < length && read(i) <= 0x20) i++;
    let negative = false;
    if (i < length && (read(i) === 0x2d || read(i) === 0x2b)) negative = read(i++) === 0x2d;
    if (base === 0) {
      base = 10;
      if (i + 1 < length && read(i) === 0x30) {
        const p = read(i + 1) | 0x20;
        const prefixed = p === 0x78 ? 16 : p === 0x6f ? 8 : p === 0x62 ? 2 : 0;
        if (prefixed) {
          base = prefixed;
          i += 2;
        }
      }
    }
    let value = 0;
    for (; i < length; i++) {
      const c = read(i);
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x61 + 10 : 99;
      if (digit >= base) break;
      value = (Math.imul(value, base) + digit) >>> 0;
    }
    return { status: STATUS.SUCCESS, value: negative ? -value >>> 0 : value };
  };
  return {
    RtlInitAnsiString: initString,
    RtlInitString: initString,
    /** Frees a buffer a conversion allocated; the string becomes empty (Buffer NULL). */
    RtlFreeUnicodeString(UnicodeString: number): void {
      free(UnicodeString >>> 0, US.Buffer);
    },
    RtlFreeAnsiString(AnsiString: number): void {
      free(AnsiString >>> 0, S.Buffer);
    },
    RtlAnsiStringToUnicodeString(DestinationString: number, SourceString: number, AllocateDestinationString: number): number {
      const d = DestinationString >>> 0;
      const n = as.u16((SourceString >>> 0) + S.Length);
      const bytes = 2 * n;
      if (bytes > MAX_STRING) return STATUS.INVALID_PARAMETER_2;
      const buffer = destination(d, bytes, 2, AllocateDestinationString, US.MaximumLength, US.Buffer);
      if (typeof buffer !== 'number') return buffer.status;
      const src = as.u32((SourceString >>> 0) + S.Buffer);
      for (let i = 0; i < n; i++) as.setU16(buffer + 2 * i, ansiToUnicode(as.u8(src + i)));
      as.setU16(d + US.Length, bytes);
      if (bytes + 2 <= as.u16(d + US.MaximumLength)) as.setU16(buffer + bytes, 0);
      return STATUS.SUCCESS;
    },
    /**
     * One byte per character. Into a caller's buffer too small for them all: as many as fit
     * (MaximumLength - 1, with the NUL) and STATUS_BUFFER_OVERFLOW.
     */
    RtlUnicodeStringToAnsiString(DestinationString: number, SourceString: number, AllocateDestinationString: number): number {
      const d = DestinationString >>> 0;
      const n = as.u16((SourceString >>> 0) + US.Length) >>> 1;
      const src = as.u32((SourceString >>> 0) + US.Buffer);
      let count = n;
      let status: number = STATUS.SUCCESS;
      let buffer: number;
      if (AllocateDestinationString) {
        const b = destination(d, n, 1, 1, S.MaximumLength, S.Buffer);
        if (typeof b !== 'number') return b.status;
        buffer = b;
      } else {
        const max = as.u16(d + S.MaximumLength);
        buffer = as.u32(d + S.Buffer);
        if (n >= max) {
          if (max === 0) return STATUS.BUFFER_OVERFLOW;
          count = max - 1;
          status = STATUS.BUFFER_OVERFLOW;
        }
      }
      for (let i = 0; i < count; i++) as.setU8(buffer + i, unicodeToAnsi(as.u16(src + 2 * i)));
      as.setU8(buffer + count, 0);
      as.setU16(d + S.Length, count);
      return status;
    },
    RtlUpcaseUnicodeString(DestinationString: number, SourceString: number, AllocateDestinationString: number): number {
      const d = DestinationString >>> 0;
      const bytes = as.u16((SourceString >>> 0) + US.Length);
      const src = as.u32((SourceString >>> 0) + US.Buffer);
      const buffer = destination(d, bytes, 0, AllocateDestinationString, US.MaximumLength, US.Buffer);
      if (typeof buffer !== 'number') return buffer.status;
      for (let i = 0; i + 2 <= bytes; i += 2) as.setU16(buffer + i, upcase(as.u16(src + i)));
      as.setU16(d + US.Length, bytes);
      return STATUS.SUCCESS;
    },
    /** The first differing byte decides (after upcasing when asked), else the difference in Length. */
    RtlCompareString(String1: number, String2: number, CaseInSensitive: number): number {
      return compare(String1 >>> 0, String2 >>> 0, CaseInSensitive);
    },
    RtlEqualString(String1: number, String2: number, CaseInSensitive: number): number {
      if (as.u16((String1 >>> 0) + S.Length) !== as.u16((String2 >>> 0) + S.Length)) return 0;
      return compare(String1 >>> 0, String2 >>> 0, CaseInSensitive) === 0 ? 1 : 0;
    },
    /** Appends a NUL-terminated WCHAR string (NULL appends nothing). */
    RtlAppendUnicodeToString(Destination: number, Source: number): number {
      if (Source === 0) return STATUS.SUCCESS;
      let length = 0;
      while (as.u16((Source >>> 0) + length) !== 0) length += 2;
      return appendUnicode(Destination >>> 0, Source >>> 0, length);
    },
    RtlAppendUnicodeStringToString(Destination: number, Source: number): number {
      const s = Source >>> 0;
      return appendUnicode(Destination >>> 0, as.u32(s + US.Buffer), as.u16(s + US.Length));
    },
    /**
     * Value in Base 2, 8, 10 or 16 (0 means 10), digits in upper case; STATUS_BUFFER_OVERFLOW if the
     * digits do not fit in MaximumLength. The NUL is added when there is room for it.
     */
    RtlIntegerToUnicodeString(Value: number, Base: number, String: number): number {
      const base = (Base >>> 0) === 0 ? 10 : Base >>> 0;
      if (base !== 2 && base !== 8 && base !== 10 && base !== 16) return STATUS.INVALID_PARAMETER;
      let v = Value >>> 0;
      let text = '';
      do {
        text = DIGITS[v % base]! + text;
        v = Math.floor(v / base);
      } while (v > 0);
      const s = String >>> 0;
      const max = as.u16(s + US.MaximumLength);
      if (2 * text.length > max) return STATUS.BUFFER_OVERFLOW;
      const buffer = as.u32(s + US.Buffer);
      for (let i = 0; i < text.length; i++) as.setU16(buffer + 2 * i, text.charCodeAt(i));
      if (2 * text.length + 2 <= max) as.setU16(buffer + 2 * text.length, 0);
      as.setU16(s + US.Length, 2 * text.length);
      return STATUS.SUCCESS;
    },
    /** *Value receives the number the string begins with (0 if none); digits stop at the first that does not belong to the base. */
    RtlUnicodeStringToInteger(String: number, Base: number, Value: number): number {
      const s = String >>> 0;
      const buffer = as.u32(s + US.Buffer);
      const r = parse((i) => as.u16(buffer + 2 * i), as.u16(s + US.Length) >>> 1, Base);
      if (r.status === STATUS.SUCCESS) as.setU32(Value >>> 0, r.value);
      return r.status;
    },
    /** The same over a NUL-terminated 8-bit string. */
    RtlCharToInteger(String: number, Base: number, Value: number): number {
      const src = String >>> 0;
      let length = 0;
      while (as.u8(src + length) !== 0) length++;
      const r = parse((i) => as.u8(src + i), length, Base);
      if (r.status === STATUS.SUCCESS) as.setU32(Value >>> 0, r.value);
      return r.status;
    },
  };
}
