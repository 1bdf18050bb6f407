/**
 * The format language of DbgPrint (a subset of the CRT's printf plus %wZ for UNICODE_STRING and %S
 * for wide strings), evaluated by the host over simulated memory.
 */
import { UNICODE_STRING } from '../../nt/layout.ts';
import type { AddressSpace } from '../mm/address-space.ts';

export type ArgSource = { int(): number; int64(): bigint };

/**
 * One DbgPrint call transmits at most 512 bytes (Microsoft's DbgPrint page), so no field is wider or
 * longer than that: a width or precision of 0x7fffffff read from the arguments stays a bounded field.
 */
const DBGPRINT_MAX = 512;
const field = (n: number) => Math.min(Math.max(n, 0), DBGPRINT_MAX);

export function formatDbgPrint(as: AddressSpace, format: string, args: ArgSource): string {
  return format.replace(/%([-+ 0#]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|I64|I32|w|z)?([diouxXcsSpZ%])/g, (whole, flags: string, widthS, precS, size, conv: string) => {
    if (conv === '%') return '%';
    const widthArg = widthS === '*' ? args.int() | 0 : widthS ? Number(widthS) : 0;
    // A negative width from the arguments means left-justified, as in C.
    if (widthArg < 0) flags += '-';
    const width = field(Math.abs(widthArg));
    const precision = precS === '*' ? field(args.int() | 0) : precS !== undefined ? field(Number(precS)) : undefined;
    let body = '';
    // A number prints as sign or 0x prefix, then digits: precision and '0' padding apply to the digits.
    let prefix = '';
    let digits: string | undefined;
    const wide64 = size === 'll' || size === 'I64';
    switch (conv) {
      case 'd':
      case 'i': {
        const v = wide64 ? BigInt.asIntN(64, args.int64()) : BigInt(args.int() | 0);
        prefix = v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        digits = (v < 0n ? -v : v).toString();
        break;
      }
      case 'u':
        digits = wide64 ? BigInt.asUintN(64, args.int64()).toString() : (args.int() >>> 0).toString();
        break;
      case 'x':
      case 'X': {
        const v = wide64 ? BigInt.asUintN(64, args.int64()).toString(16) : (args.int() >>> 0).toString(16);
        // '#' prefixes a nonzero value only (C and the CRT).
        if (flags.includes('#') && v !== '0') prefix = conv === 'X' ? '0X' : '0x';
        digits = conv === 'X' ? v.toUpperCase() : v;
        break;
      }
      case 'o':
        digits = (args.int() >>> 0).toString(8);
        if (flags.includes('#') && digits !== '0') digits = '0' + digits;
        break;
      case 'p':
        digits = (args.int() >>> 0).toString(16).toUpperCase().padStart(8, '0');
        break;
      case 'c':
        body = String.fromCharCode(args.int() & (size === 'w' ? 0xffff : 0xff));
        break;
      case 's': {
        const p = args.int();
        body = p === 0 ? '(null)' : size === 'w' || size === 'l' ? readWide(as, p, precision) : as.cstring(p, precision ?? 4096);
        break;
      }
      case 'S': {
        const p = args.int();
        body = p === 0 ? '(null)' : readWide(as, p, precision);
        break;
      }
      case 'Z': {
        // UNICODE_STRING / ANSI_STRING: Length, MaximumLength, then Buffer (the same offset in both).
        const p = args.int();
        const buffer = p === 0 ? 0 : as.u32(p + UNICODE_STRING.off.Buffer);
        const length = p === 0 ? 0 : as.u16(p + UNICODE_STRING.off.Length);
        if (buffer === 0) body = '(null)';
        else if (size === 'w') body = as.utf16(buffer, length >>> 1);
        else body = as.cstring(buffer, length);
        break;
      }
      default:
        return whole;
    }
    if (digits !== undefined) {
      if (precision !== undefined) digits = precision === 0 && /^0+$/.test(digits) ? '' : digits.padStart(precision, '0');
      else if (flags.includes('0') && !flags.includes('-')) digits = digits.padStart(width - prefix.length, '0');
      body = prefix + digits;
    }
    if (body.length < width) body = flags.includes('-') ? body.padEnd(width) : body.padStart(width);
    return body;
  });
}

function readWide(as: AddressSpace, p: number, max = 4096): string {
  let s = '';
  for (let i = 0; i < max; i++) {
    const c = as.u16(p + 2 * i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}
