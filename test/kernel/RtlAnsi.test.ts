/** Counted 8-bit strings, conversions, upcasing, appending, integers and text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { TAG_STRING } from '../../src/kernel/rtl/ansi.ts';
import { STRING, UNICODE_STRING } from '../../src/nt/layout.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { ansiString, scratch, wideString } from './support.ts';


const S = STRING.off;
const US = UNICODE_STRING.off;

/** A NUL-terminated 8-bit string, one byte a character (Latin-1 code points as bytes). */
const bytes = (k: Kernel, text: string) => {
  const a = scratch(k, text.length + 1);
  k.as.write(a, Buffer.from(text + '\0', 'latin1'));
  return a;
};
const ansi = (k: Kernel, text: string) => {
  const s = scratch(k, STRING.size);
  k.ddi.RtlInitAnsiString(s, bytes(k, text));
  return s;
};
const unicode = (k: Kernel, text: string) => {
  const s = scratch(k, UNICODE_STRING.size);
  k.ddi.RtlInitUnicodeString(s, wideString(k, text));
  return s;
};
/** An empty UNICODE_STRING over a caller buffer of `bytes`. */
const unicodeBuffer = (k: Kernel, bytes: number) => {
  const s = scratch(k, UNICODE_STRING.size);
  k.as.setU16(s + US.MaximumLength, bytes);
  k.as.setU32(s + US.Buffer, scratch(k, Math.max(bytes, 2)));
  return s;
};
const readUnicode = (k: Kernel, s: number) => {
  const n = k.as.u16(s + US.Length);
  const b = k.as.u32(s + US.Buffer);
  return String.fromCharCode(...Array.from({ length: n / 2 }, (_, i) => k.as.u16(b + 2 * i)));
};
const readAnsi = (k: Kernel, s: number) => Buffer.from(k.as.read(k.as.u32(s + S.Buffer), k.as.u16(s + S.Length))).toString('latin1');

test('RtlInitAnsiString / RtlInitString count the bytes; MaximumLength adds the NUL; NULL gives an empty string', () => {
  const k = new Kernel();
  const s = ansi(k, 'Hello');
  assert.deepEqual([k.as.u16(s + S.Length), k.as.u16(s + S.MaximumLength)], [5, 6]);
  k.ddi.RtlInitString(s, 0);
  assert.deepEqual([k.as.u16(s + S.Length), k.as.u16(s + S.MaximumLength), k.as.u32(s + S.Buffer)], [0, 0, 0]);
});

test('RtlAnsiStringToUnicodeString allocates from paged pool (tag Strg) and RtlFreeUnicodeString gives it back', () => {
  const k = new Kernel();
  const u = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.RtlAnsiStringToUnicodeString(u, ansi(k, 'caf\xe9 \x80'), 1), STATUS.SUCCESS);
  assert.equal(readUnicode(k, u), 'café €', 'Windows-1252: 0x80 is the euro sign');
  const buffer = k.as.u32(u + US.Buffer);
  const block = k.pool.block(buffer)!;
  assert.deepEqual([block.type, block.tag, k.as.u16(u + US.MaximumLength)], [POOL_TYPE.PagedPool, TAG_STRING, 14]);
  assert.equal(k.as.u16(buffer + 12), 0, 'NUL-terminated');
  k.ddi.RtlFreeUnicodeString(u);
  assert.equal(k.pool.block(buffer), undefined);
  assert.deepEqual([k.as.u16(u + US.Length), k.as.u32(u + US.Buffer)], [0, 0]);
});

test('into a caller buffer: STATUS_BUFFER_OVERFLOW when it is too small, nothing written', () => {
  const k = new Kernel();
  const u = unicodeBuffer(k, 6);
  assert.equal(k.ddi.RtlAnsiStringToUnicodeString(u, ansi(k, 'abcd'), 0), STATUS.BUFFER_OVERFLOW);
  assert.equal(k.as.u16(u + US.Length), 0);
  assert.equal(k.ddi.RtlAnsiStringToUnicodeString(u, ansi(k, 'abc'), 0), STATUS.SUCCESS);
  assert.equal(readUnicode(k, u), 'abc');
});

test('RtlUnicodeStringToAnsiString: one byte a character, ? for what the code page lacks; a short buffer gets what fits', () => {
  const k = new Kernel();
  const a = scratch(k, STRING.size);
  assert.equal(k.ddi.RtlUnicodeStringToAnsiString(a, unicode(k, 'Gr\xfc\xdfe \u20ac \u4e2d'), 1), STATUS.SUCCESS);
  assert.equal(readAnsi(k, a), 'Gr\xfc\xdfe \x80 ?');
  assert.equal(k.pool.block(k.as.u32(a + S.Buffer))!.tag, TAG_STRING);
  k.ddi.RtlFreeAnsiString(a);
  assert.equal(k.as.u32(a + S.Buffer), 0);
  const small = scratch(k, STRING.size);
  k.as.setU16(small + S.MaximumLength, 4);
  k.as.setU32(small + S.Buffer, scratch(k, 4));
  assert.equal(k.ddi.RtlUnicodeStringToAnsiString(small, unicode(k, 'abcdef'), 0), STATUS.BUFFER_OVERFLOW);
  assert.equal(readAnsi(k, small), 'abc');
});

test('RtlUpcaseUnicodeString, allocating or in place', () => {
  const k = new Kernel();
  const u = scratch(k, UNICODE_STRING.size);
  assert.equal(k.ddi.RtlUpcaseUnicodeString(u, unicode(k, 'dv\xe9x'), 1), STATUS.SUCCESS);
  assert.equal(readUnicode(k, u), 'DV\xc9X');
  k.ddi.RtlFreeUnicodeString(u);
  const s = unicode(k, 'mixed Case');
  assert.equal(k.ddi.RtlUpcaseUnicodeString(s, s, 0), STATUS.SUCCESS);
  assert.equal(readUnicode(k, s), 'MIXED CASE');
});

test('RtlCompareString / RtlEqualString: byte order, case-insensitively when asked, then length', () => {
  const k = new Kernel();
  const [abc, ABC, abcd, abd] = ['abc', 'ABC', 'abcd', 'abd'].map((t) => ansi(k, t));
  assert.ok(k.ddi.RtlCompareString(abc!, abd!, 0) < 0);
  assert.ok(k.ddi.RtlCompareString(abc!, ABC!, 0) > 0);
  assert.equal(k.ddi.RtlCompareString(abc!, ABC!, 1), 0);
  assert.ok(k.ddi.RtlCompareString(abc!, abcd!, 1) < 0);
  assert.deepEqual([k.ddi.RtlEqualString(abc!, ABC!, 1), k.ddi.RtlEqualString(abc!, ABC!, 0), k.ddi.RtlEqualString(abc!, abcd!, 1)], [1, 0, 0]);
});

test('RtlAppendUnicodeToString / RtlAppendUnicodeStringToString: STATUS_BUFFER_TOO_SMALL when it does not fit', () => {
  const k = new Kernel();
  const d = unicodeBuffer(k, 12);
  assert.equal(k.ddi.RtlAppendUnicodeToString(d, wideString(k, 'ab')), STATUS.SUCCESS);
  assert.equal(k.ddi.RtlAppendUnicodeStringToString(d, unicode(k, 'cd')), STATUS.SUCCESS);
  assert.equal(readUnicode(k, d), 'abcd');
  assert.equal(k.ddi.RtlAppendUnicodeToString(d, wideString(k, 'efg')), STATUS.BUFFER_TOO_SMALL);
  assert.equal(k.ddi.RtlAppendUnicodeToString(d, 0), STATUS.SUCCESS);
  assert.equal(k.ddi.RtlAppendUnicodeStringToString(d, unicode(k, 'ef')), STATUS.SUCCESS);
  assert.equal(readUnicode(k, d), 'abcdef');
});

test('RtlIntegerToUnicodeString in bases 2, 8, 10, 16; a bad base or a short buffer fails', () => {
  const k = new Kernel();
  const d = unicodeBuffer(k, 64);
  const text = (v: number, base: number) => (assert.equal(k.ddi.RtlIntegerToUnicodeString(v, base, d), STATUS.SUCCESS), readUnicode(k, d));
  assert.deepEqual([text(1234, 0), text(0xbeef, 16), text(8, 8), text(5, 2), text(0xffffffff, 10)], ['1234', 'BEEF', '10', '101', '4294967295']);
  assert.equal(k.ddi.RtlIntegerToUnicodeString(1, 7, d), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.RtlIntegerToUnicodeString(123456, 10, unicodeBuffer(k, 10)), STATUS.BUFFER_OVERFLOW);
});

test('RtlUnicodeStringToInteger / RtlCharToInteger: white space, sign, 0x/0o/0b prefixes, digits up to the first that is not', () => {
  const k = new Kernel();
  const out = scratch(k, 4);
  const fromUnicode = (t: string, base: number) => (assert.equal(k.ddi.RtlUnicodeStringToInteger(unicode(k, t), base, out), STATUS.SUCCESS), k.as.u32(out) | 0);
  const fromChars = (t: string, base: number) => (assert.equal(k.ddi.RtlCharToInteger(ansiString(k, t), base, out), STATUS.SUCCESS), k.as.u32(out) | 0);
  assert.deepEqual([fromUnicode('  42', 0), fromUnicode('-17', 10), fromUnicode('0x1F', 0), fromUnicode('ff', 16), fromUnicode('12abc', 10), fromUnicode('0b101', 0)], [42, -17, 31, 255, 12, 5]);
  assert.deepEqual([fromChars('0o17', 0), fromChars('+9', 0), fromChars('zz', 10)], [15, 9, 0]);
  assert.equal(k.ddi.RtlCharToInteger(ansiString(k, '1'), 3, out), STATUS.INVALID_PARAMETER);
});
