/**
 * The argument types of WPP messages: for each printf conversion and each `%!NAME!` extension, the C
 * type the generated .tmh passes, how it logs the value to WmiTraceMessage (WPP_LOGPAIR pairs), and
 * how the bytes read back. One table: `dv build`'s WPP step (src/build/wpp) generates code from it and
 * the trace session formats with it, so the two always agree.
 */
import { irqlName } from '../../nt/irql.ts';
import { statusName } from '../../nt/status.ts';

/** The bytes of one message, read in order; a value past the end reads as missing, never as garbage. */
export class WppReader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get left(): number {
    return this.bytes.length - this.pos;
  }
  take(n: number): Uint8Array | undefined {
    if (n < 0 || this.pos + n > this.bytes.length) {
      this.pos = this.bytes.length;
      return undefined;
    }
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  int(size: number, signed: boolean): bigint | undefined {
    const b = this.take(size);
    if (!b) return undefined;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return signed ? BigInt.asIntN(size * 8, v) : v;
  }
  /** A NUL-terminated string of `unit`-byte characters (the NUL consumed). */
  zstring(unit: 1 | 2): string | undefined {
    let s = '';
    for (;;) {
      const c = this.int(unit, false);
      if (c === undefined) return s === '' ? undefined : s;
      if (c === 0n) return s;
      s += String.fromCharCode(Number(c));
    }
  }
}

/** What a missing argument prints as (a message cut short by a NULL pointer or a bad length). */
export const MISSING = '<missing>';

/** A printf conversion as written: flags, width, precision, size prefix, conversion character. */
export interface PrintfSpec {
  readonly flags: string;
  readonly width?: number;
  readonly precision?: number;
  readonly size: string;
  readonly conv: string;
}

export interface WppArgType {
  /** The parameter type of the generated WPP_SF_ function. */
  readonly cType: string;
  /** The WPP_LOGPAIR list that logs parameter `a` (each pair ends with a comma). */
  readonly log: (a: string) => string;
  readonly decode: (r: WppReader, spec?: PrintfSpec) => string;
  /** The call site's argument as the parameter takes it, where tracewpp's C compiler would only warn (%p of an integer). */
  readonly convert?: (a: string) => string;
}

const scalar = (cType: string, decode: (r: WppReader, spec?: PrintfSpec) => string): WppArgType => ({ cType, log: (a) => `WPP_LOGPAIR(sizeof(${a}), &${a})`, decode });
const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');

/** Lay out a converted value with the spec's width, precision and flags, as printf does. */
function pad(spec: PrintfSpec | undefined, prefix: string, digits: string | undefined, body?: string): string {
  let out = body ?? '';
  if (digits !== undefined) {
    if (spec?.precision !== undefined) digits = spec.precision === 0 && /^0+$/.test(digits) ? '' : digits.padStart(spec.precision, '0');
    else if (spec?.flags.includes('0') && !spec.flags.includes('-')) digits = digits.padStart((spec.width ?? 0) - prefix.length, '0');
    out = prefix + digits;
  }
  const width = spec?.width ?? 0;
  if (out.length < width) out = spec?.flags.includes('-') ? out.padEnd(width) : out.padStart(width);
  return out;
}

function number(size: 1 | 2 | 4 | 8, signed: boolean): WppArgType['decode'] {
  return (r, spec) => {
    const v = r.int(size, signed);
    if (v === undefined) return MISSING;
    const conv = spec?.conv ?? 'd';
    const flags = spec?.flags ?? '';
    switch (conv) {
      case 'd':
      case 'i':
        return pad(spec, v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '', (v < 0n ? -v : v).toString());
      case 'u':
        return pad(spec, '', BigInt.asUintN(size * 8, v).toString());
      case 'o':
        return pad(spec, '', BigInt.asUintN(size * 8, v).toString(8));
      case 'x':
      case 'X': {
        const h = BigInt.asUintN(size * 8, v).toString(16);
        const prefix = flags.includes('#') && h !== '0' ? (conv === 'X' ? '0X' : '0x') : '';
        return pad(spec, prefix, conv === 'X' ? h.toUpperCase() : h);
      }
      case 'c':
      case 'C':
        return pad(spec, '', undefined, String.fromCharCode(Number(BigInt.asUintN(size * 8, v))));
      default:
        return pad(spec, '', BigInt.asUintN(size * 8, v).toString(16).toUpperCase().padStart(size * 2, '0'));
    }
  };
}

const counted = (unit: 1 | 2): WppArgType['decode'] => (r, spec) => {
  const length = r.int(2, false);
  if (length === undefined) return MISSING;
  const b = r.take(Number(length));
  if (!b) return MISSING;
  let s = '';
  for (let i = 0; i + unit <= b.length; i += unit) s += String.fromCharCode(unit === 1 ? b[i]! : b[i]! | (b[i + 1]! << 8));
  return pad(spec, '', undefined, s);
};

/** ItemPString: a 2-byte length, then that many bytes of text. */
export const COUNTED_ANSI: WppArgType = { cType: 'const STRING *', log: (a) => `WPP_LOGCSTR(${a})`, decode: counted(1) };
/** ItemMACAddr: six bytes, aa-bb-cc-dd-ee-ff. */
export const MAC_ADDRESS: WppArgType = {
  cType: 'const UCHAR *',
  log: (a) => `WPP_LOGPAIR(6, ${a})`,
  decode: (r) => {
    const b = r.take(6);
    return b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join('-') : MISSING;
  },
};

/** `printf` conversions: the key is the size prefix and the conversion (`d`, `I64x`, `ws`, `wZ`). */
export function printfType(spec: PrintfSpec): WppArgType | undefined {
  const { size, conv } = spec;
  if ('diouxX'.includes(conv)) {
    const signed = conv === 'd' || conv === 'i';
    if (size === 'll' || size === 'I64') return scalar(signed ? 'signed long long' : 'unsigned long long', number(8, signed));
    if (size === 'h') return scalar(signed ? 'short' : 'unsigned short', number(2, signed));
    if (size === 'hh') return scalar(signed ? 'signed char' : 'unsigned char', number(1, signed));
    // int, long, I32, z (size_t) are 32 bits on the wasm32 target, as LONG and ULONG are on Windows.
    return scalar(signed ? 'int' : 'unsigned int', number(4, signed));
  }
  if (conv === 'p') return { ...scalar('const void *', number(4, false)), convert: (a) => `(const void *)(ULONG_PTR)(${a})` };
  if (conv === 'c') return size === 'w' || size === 'l' ? scalar('WCHAR', number(2, false)) : scalar('char', number(1, false));
  if (conv === 'C') return scalar('WCHAR', number(2, false));
  if (conv === 's' && size !== 'w' && size !== 'l') return { cType: 'const char *', log: (a) => `WPP_LOGASTR(${a})`, decode: (r, s) => pad(s, '', undefined, r.zstring(1) ?? MISSING) };
  if (conv === 'S' || conv === 's') return { cType: 'const WCHAR *', log: (a) => `WPP_LOGWSTR(${a})`, decode: (r, s) => pad(s, '', undefined, r.zstring(2) ?? MISSING) };
  if (conv === 'Z') return size === 'w' ? { cType: 'PCUNICODE_STRING', log: (a) => `WPP_LOGUSTR(${a})`, decode: counted(2) } : { cType: 'const STRING *', log: (a) => `WPP_LOGCSTR(${a})`, decode: counted(1) };
  return undefined;
}

const IRQL = scalar('UCHAR', (r) => {
  const v = r.int(1, false);
  return v === undefined ? MISSING : irqlName(Number(v));
});
const GUID_TYPE: WppArgType = {
  cType: 'const GUID *',
  log: (a) => `WPP_LOGPGUID(${a})`,
  decode: (r) => {
    const b = r.take(16);
    if (!b) return MISSING;
    const h = (from: number, to: number, reverse: boolean) => {
      const part = [...b.subarray(from, to)];
      return (reverse ? part.reverse() : part).map((x) => x.toString(16).padStart(2, '0')).join('');
    };
    return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}`;
  },
};
const HEXDUMP: WppArgType = {
  // The xstr_t the corpus's trace.h defines, logged by its WPP_LOGHEXDUMP helper: a 2-byte length, then the bytes.
  cType: 'xstr_t',
  log: (a) => `WPP_LOGHEXDUMP(${a})`,
  decode: (r) => {
    const length = r.int(2, false);
    if (length === undefined) return MISSING;
    const b = r.take(Number(length));
    return b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ') : MISSING;
  },
};

/** The `%!NAME!` extensions that take an argument (Microsoft's "What are the WPP extended format specification strings?"). */
export const WPP_EXTENDED_TYPES: Readonly<Record<string, WppArgType>> = {
  STATUS: scalar('NTSTATUS', (r) => {
    const v = r.int(4, false);
    return v === undefined ? MISSING : statusName(Number(v));
  }),
  HRESULT: scalar('LONG', (r) => {
    const v = r.int(4, false);
    return v === undefined ? MISSING : v === 0n ? 'S_OK' : hex32(v);
  }),
  WINERROR: scalar('ULONG', (r) => {
    const v = r.int(4, false);
    return v === undefined ? MISSING : v === 0n ? 'ERROR_SUCCESS' : v.toString();
  }),
  bool: scalar('int', (r) => {
    const v = r.int(4, false);
    return v === undefined ? MISSING : v !== 0n ? 'TRUE' : 'FALSE';
  }),
  BOOLEAN: scalar('BOOLEAN', (r) => {
    const v = r.int(1, false);
    return v === undefined ? MISSING : v !== 0n ? 'TRUE' : 'FALSE';
  }),
  irql: IRQL,
  IRQL,
  GUID: GUID_TYPE,
  CLSID: GUID_TYPE,
  IID: GUID_TYPE,
  LIBID: GUID_TYPE,
  HEXDUMP,
  ptr: scalar('const void *', number(4, false)),
};

/** The `%!NAME!` items tracewpp fills in itself, from where the call is: no argument. */
export const WPP_STATIC_ITEMS = ['FUNC', 'LINE', 'FILE', 'LEVEL', 'FLAGS', 'COMPNAME'] as const;

/** An enumeration declared with `CUSTOM_TYPE(name, ItemEnum(type))` or ItemListLong/Short/Byte: names by value. */
export function enumType(size: 1 | 2 | 4, names: Readonly<Record<string, string>>): WppArgType {
  const cType = size === 1 ? 'UCHAR' : size === 2 ? 'USHORT' : 'int';
  return scalar(cType, (r) => {
    const v = r.int(size, size === 4);
    if (v === undefined) return MISSING;
    return names[v.toString()] ?? names[BigInt.asUintN(size * 8, v).toString()] ?? v.toString();
  });
}

/**
 * A format's conversions, in order. `%%` is a literal; a `%` that starts no conversion stays as text.
 * Each match is the whole conversion, its printf spec or its `%!NAME!`.
 */
export const WPP_FORMAT_PATTERN = /%(?:!(\w+)!|([-+ 0#]*)(\d+)?(?:\.(\d+))?(hh|h|ll|l|I64|I32|I|w|z)?([diouxXcCsSpZ])|%)/g;

export function printfSpecOf(m: RegExpMatchArray): PrintfSpec {
  return { flags: m[2] ?? '', ...(m[3] ? { width: Number(m[3]) } : {}), ...(m[4] ? { precision: Number(m[4]) } : {}), size: m[5] ?? '', conv: m[6]! };
}
