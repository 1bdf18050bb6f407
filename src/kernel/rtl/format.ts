/**
 * The format language of DbgPrint (a subset of the CRT's printf plus %wZ for UNICODE_STRING and %S
 * for wide strings), evaluated by the host over simulated memory.
 */
import { UNICODE_STRING } from '../../nt/layout.ts';
import type { AddressSpace } from '../mm/address-space.ts';

export type ArgSource = { int(): number; int64(): bigint };

export function formatDbgPrint(as: AddressSpace, format: string, args: ArgSource): string {
  return format.replace(/%([-+ 0#]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|I64|I32|w|z)?([diouxXcsSpZ%])/g, (whole, flags: string, widthS, precS, size, conv: string) => {
    if (conv === '%') return '%';
    const width = widthS === '*' ? args.int() : widthS ? Number(widthS) : 0;
    const precision = precS === '*' ? args.int() : precS !== undefined ? Number(precS) : undefined;
    let body: string;
    const wide64 = size === 'll' || size === 'I64';
    switch (conv) {
      case 'd':
      case 'i':
        body = wide64 ? BigInt.asIntN(64, args.int64()).toString() : (args.int() | 0).toString();
        break;
      case 'u':
        body = wide64 ? BigInt.asUintN(64, args.int64()).toString() : (args.int() >>> 0).toString();
        break;
      case 'x':
      case 'X': {
        const v = wide64 ? BigInt.asUintN(64, args.int64()).toString(16) : (args.int() >>> 0).toString(16);
        body = (flags.includes('#') ? '0x' : '') + (conv === 'X' ? v.toUpperCase() : v);
        break;
      }
      case 'o':
        body = (args.int() >>> 0).toString(8);
        break;
      case 'p':
        body = (args.int() >>> 0).toString(16).toUpperCase().padStart(8, '0');
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
        const p = args.int();
        if (p === 0) body = '(null)';
        else if (size === 'w') body = as.utf16(as.u32(p + UNICODE_STRING.off.Buffer), as.u16(p + UNICODE_STRING.off.Length) >>> 1);
        else body = as.cstring(as.u32(p + 4), as.u16(p));
        break;
      }
      default:
        return whole;
    }
    if (precision !== undefined && 'diuxXo'.includes(conv)) body = body.padStart(precision, '0');
    if (body.length < width) {
      if (flags.includes('-')) body = body.padEnd(width);
      else if (flags.includes('0') && 'diuxXop'.includes(conv)) body = body.startsWith('-') ? '-' + body.slice(1).padStart(width - 1, '0') : body.padStart(width, '0');
      else body = body.padStart(width);
    }
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
