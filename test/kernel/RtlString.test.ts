/** Counted strings (RtlInitUnicodeString & co.) and DbgPrint formatting (src/kernel/rtl/format.ts). No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { formatDbgPrint } from '../../src/kernel/rtl/format.ts';
import { UNICODE_STRING } from '../../src/nt/layout.ts';
import { ansiString, hex, scratch, wideString } from './support.ts';

const US = UNICODE_STRING.off;
const str = (k: Kernel, us: number) => ({ Length: k.as.u16(us + US.Length), MaximumLength: k.as.u16(us + US.MaximumLength), Buffer: k.as.u32(us + US.Buffer) });

function unicodeString(k: Kernel, text: string): number {
  const us = scratch(k, UNICODE_STRING.size);
  k.ddi.RtlInitUnicodeString(us, wideString(k, text));
  return us;
}

/** formatDbgPrint over the kernel's memory with variadic arguments as a driver passes them. */
function fmt(k: Kernel, format: string, ...args: (number | bigint)[]): string {
  let i = 0;
  return formatDbgPrint(k.as, format, { int: () => Number(BigInt.asUintN(32, BigInt(args[i++]!))), int64: () => BigInt(args[i++]!) });
}

// ---- counted strings ---------------------------------------------------------------------------

test('RtlInitUnicodeString: Length in bytes without the NUL, MaximumLength with it, Buffer = the source', () => {
  const k = new Kernel();
  const src = wideString(k, 'Device');
  const us = scratch(k, UNICODE_STRING.size);
  k.ddi.RtlInitUnicodeString(us, src);
  assert.deepEqual(str(k, us), { Length: 12, MaximumLength: 14, Buffer: src });
  k.ddi.RtlInitUnicodeString(us, wideString(k, ''));
  assert.equal(str(k, us).Length, 0);
  assert.equal(str(k, us).MaximumLength, 2);
  k.ddi.RtlInitUnicodeString(us, 0);
  assert.deepEqual(str(k, us), { Length: 0, MaximumLength: 0, Buffer: 0 }, 'NULL source');
});

test('RtlInitUnicodeString caps a string too long for a UNICODE_STRING at Length 0xfffc / MaximumLength 0xfffe', () => {
  // WRK: if (Length >= MAX_USTRING) Length = MAX_USTRING - sizeof(UNICODE_NULL); MAX_USTRING is 0xfffe.
  const k = new Kernel();
  const us = unicodeString(k, 'x'.repeat(40000));
  assert.equal(hex(str(k, us).Length), hex(0xfffc));
  assert.equal(hex(str(k, us).MaximumLength), hex(0xfffe));
});

test('RtlCopyUnicodeString copies, NUL-terminates when there is room, and truncates to MaximumLength', () => {
  const k = new Kernel();
  const dst = scratch(k, UNICODE_STRING.size);
  const buf = scratch(k, 16);
  k.as.fill(buf, 16, 0xff);
  k.as.setU16(dst + US.MaximumLength, 16);
  k.as.setU32(dst + US.Buffer, buf);
  k.ddi.RtlCopyUnicodeString(dst, unicodeString(k, 'abc'));
  assert.equal(str(k, dst).Length, 6);
  assert.equal(k.as.utf16(buf, 4), 'abc\0');
  k.ddi.RtlCopyUnicodeString(dst, unicodeString(k, 'abcdefghij'));
  assert.equal(str(k, dst).Length, 16, 'truncated to the destination MaximumLength');
  assert.equal(k.as.utf16(buf, 8), 'abcdefgh', 'no room for a NUL');
  k.ddi.RtlCopyUnicodeString(dst, 0);
  assert.equal(str(k, dst).Length, 0, 'NULL source: empty');
});

test('RtlCopyUnicodeString with a NULL source only sets Length to 0', () => {
  // WRK / ReactOS: `else { DestinationString->Length = 0; }` — the buffer is not touched.
  const k = new Kernel();
  const dst = unicodeString(k, 'keep');
  const buffer = str(k, dst).Buffer;
  k.ddi.RtlCopyUnicodeString(dst, 0);
  assert.equal(str(k, dst).Length, 0);
  assert.equal(k.as.utf16(buffer, 4), 'keep');
});

test('RtlCompareUnicodeString orders by code unit, then length; RtlEqualUnicodeString; both honour CaseInSensitive', () => {
  const k = new Kernel();
  const [abc, abd, ab, ABC] = ['abc', 'abd', 'ab', 'ABC'].map((t) => unicodeString(k, t)) as [number, number, number, number];
  assert.ok(k.ddi.RtlCompareUnicodeString(abc, abd, 0) < 0);
  assert.ok(k.ddi.RtlCompareUnicodeString(abd, abc, 0) > 0);
  assert.ok(k.ddi.RtlCompareUnicodeString(ab, abc, 0) < 0, 'a prefix sorts first');
  assert.equal(k.ddi.RtlCompareUnicodeString(abc, abc, 0), 0);
  assert.ok(k.ddi.RtlCompareUnicodeString(ABC, abc, 0) < 0, "'A' (0x41) < 'a' (0x61)");
  assert.equal(k.ddi.RtlCompareUnicodeString(ABC, abc, 1), 0);
  assert.equal(k.ddi.RtlEqualUnicodeString(abc, ABC, 0), 0);
  assert.equal(k.ddi.RtlEqualUnicodeString(abc, ABC, 1), 1);
  assert.equal(k.ddi.RtlEqualUnicodeString(ab, abc, 1), 0);
});

test('case-insensitive comparison upcases one character at a time: "ß" is not "SS"', () => {
  // RtlUpcaseUnicodeChar maps each WCHAR to one WCHAR (ß stays ß), and RtlEqualUnicodeString first compares Length.
  const k = new Kernel();
  const sharp = unicodeString(k, '\u00df');
  const ss = unicodeString(k, 'SS');
  assert.equal(k.ddi.RtlEqualUnicodeString(sharp, ss, 1), 0);
  assert.ok(k.ddi.RtlCompareUnicodeString(sharp, ss, 1) > 0, '0xDF > 0x53');
});

// ---- DbgPrint ----------------------------------------------------------------------------------

test('DbgPrint formats into the debug log, one entry per line, without the trailing newline', () => {
  const k = new Kernel();
  k.ddi.DbgPrint(ansiString(k, 'MyDriver: status %08x, %d bytes\n'), 0xc0000001, 12);
  k.ddi.DbgPrintEx(77, 0, ansiString(k, 'a=%u\nb=%s\n'), 3, ansiString(k, 'two'));
  assert.deepEqual(k.debugLog, ['MyDriver: status c0000001, 12 bytes', 'a=3', 'b=two']);
});

test('strings: %s %hs %S %ws %ls %wZ %Z, (null) for NULL, precision limits %s', () => {
  const k = new Kernel();
  const ansi = ansiString(k, 'narrow');
  const wide = wideString(k, 'wide');
  // A counted string is printed by Length, not up to a NUL.
  const counted = scratch(k, UNICODE_STRING.size);
  k.as.setU16(counted + US.Length, 10);
  k.as.setU16(counted + US.MaximumLength, 22);
  k.as.setU32(counted + US.Buffer, wideString(k, 'HelloWorld'));
  const ansiCounted = scratch(k, 8); // ANSI_STRING: Length, MaximumLength, Buffer
  k.as.setU16(ansiCounted, 3);
  k.as.setU32(ansiCounted + 4, ansi);
  assert.equal(fmt(k, '[%s|%hs]', ansi, ansi), '[narrow|narrow]');
  assert.equal(fmt(k, '[%S|%ws|%ls]', wide, wide, wide), '[wide|wide|wide]');
  assert.equal(fmt(k, '[%wZ|%Z]', counted, ansiCounted), '[Hello|nar]');
  assert.equal(fmt(k, '[%s|%S|%wZ]', 0, 0, 0), '[(null)|(null)|(null)]');
  assert.equal(fmt(k, '[%.3s|%-8s|%8s]', ansi, ansi, ansi), '[nar|narrow  |  narrow]');
});

test('integers: %d %i %u %ld %lu %x %X %08x %#x %o %c %wc %p %%, widths and flags', () => {
  const k = new Kernel();
  assert.equal(fmt(k, '%d %i %d', -5, 0xfffffffb, 2147483647), '-5 -5 2147483647');
  assert.equal(fmt(k, '%u %u', 0xffffffff, -1), '4294967295 4294967295');
  assert.equal(fmt(k, '%ld %lu %lx', -7, 7, 0xabc), '-7 7 abc');
  assert.equal(fmt(k, '%x %X %08x %8x %#x', 0xbeef, 0xbeef, 0x1234, 0x1234, 0x1234), 'beef BEEF 00001234     1234 0x1234');
  assert.equal(fmt(k, '%o %c%c %wc', 8, 0x4f, 0x4b, 0x263a), '10 OK \u263a');
  assert.equal(fmt(k, '%p %p', 0x1234, 0x8badf00d), '00001234 8BADF00D', 'x86 %p: 8 upper-case hex digits');
  assert.equal(fmt(k, '[%5d|%-5d|%05d|%*d]', 42, 42, -42, 4, 7), '[   42|42   |-0042|   7]');
  assert.equal(fmt(k, '%.4d %.3x', 7, 0xa), '0007 00a');
  assert.equal(fmt(k, '100%%'), '100%');
});

test('64-bit integers: %I64x %I64d %lld %llu %llx take a 64-bit argument', () => {
  const k = new Kernel();
  assert.equal(fmt(k, '%I64x %llx', 0x123456789abcdefn, 0xffffffff00000000n), '123456789abcdef ffffffff00000000');
  assert.equal(fmt(k, '%I64d %lld %llu', -1n, -9000000000n, 18446744073709551615n), '-1 -9000000000 18446744073709551615');
  assert.equal(fmt(k, '%lld then %d', 5n, 6), '5 then 6', 'the next argument follows the 64-bit one');
});

test("flags '+' and ' ' sign positive numbers", () => {
  const k = new Kernel();
  assert.equal(fmt(k, '[%+d|% d|%+d]', 5, 5, -5), '[+5| 5|-5]');
});

test("'#' adds no 0x prefix to zero", () => {
  // C: "For x (or X) conversion, a nonzero result has 0x (or 0X) prefixed to it."
  const k = new Kernel();
  assert.equal(fmt(k, '%#x', 0), '0');
});

test("'0' padding with '#' goes between the 0x prefix and the digits", () => {
  const k = new Kernel();
  assert.equal(fmt(k, '%#010x', 0x1234), '0x00001234');
});

test('%wZ / %Z of a counted string whose Buffer is NULL print (null)', () => {
  // CRT output.c, case 'Z': `if (pstr == NULL || pstr->Buffer == NULL)` prints the null string.
  const k = new Kernel();
  const empty = scratch(k, UNICODE_STRING.size);
  k.as.setU16(empty + US.Length, 4);
  k.as.setU32(empty + US.Buffer, 0);
  assert.equal(fmt(k, '[%wZ|%Z]', empty, empty), '[(null)|(null)]');
});
