/**
 * Trace message formats (our TMF): what tracewpp writes into a .tmf file for each message of a source
 * file, carried inside the driver image. `dv build`'s WPP step puts one base64 JSON line per source
 * file into the image's `dv_wpp` custom section (the .tmh's file-scope asm); the loader hands the
 * section to the trace session, which formats each message with it.
 */
import { COUNTED_ANSI, enumType, MAC_ADDRESS, printfSpecOf, printfType, WPP_EXTENDED_TYPES, WPP_FORMAT_PATTERN, WppReader, type WppArgType } from './wpp-types.ts';

/** The custom section of a wasm driver image that holds its TMF lines. */
export const TMF_SECTION = 'dv_wpp';

/** A type the sources declared: CUSTOM_TYPE(name, ItemEnum(...)/ItemList...(...)) or DEFINE_CPLX_TYPE(name, ..., ItemHEXDump, ...). */
export type TmfCustomType =
  | { readonly kind: 'enum'; readonly size: 1 | 2 | 4; readonly names: Readonly<Record<string, string>> }
  /** DEFINE_CPLX_TYPE: the argument's C type, the helper that logs its pairs, and how its bytes read (its item type). */
  | { readonly kind: 'hexdump' | 'pstring' | 'macaddr'; readonly cType: string; readonly helper: string };

export interface TmfMessage {
  /** The message number within its file's GUID (from 10, as tracewpp numbers them). */
  readonly n: number;
  /** The format, %!FUNC!, %!LINE!, %!FILE!, %!LEVEL!, %!FLAGS! already filled in. */
  readonly fmt: string;
  readonly line: number;
  readonly func: string;
  /** The text of the call's LEVEL and FLAGS (or FLAG) conditions, when it has them. */
  readonly level?: string;
  readonly flags?: string;
}

export interface Tmf {
  /** The message GUID of the source file, lower case, 8-4-4-4-12. */
  readonly guid: string;
  /** The friendly name: the source file's name without its extension (what [%1!s!] of the prefix prints). */
  readonly name: string;
  readonly file: string;
  readonly types: Readonly<Record<string, TmfCustomType>>;
  readonly messages: readonly TmfMessage[];
}

export function encodeTmfLine(tmf: Tmf): string {
  return Buffer.from(JSON.stringify(tmf)).toString('base64');
}

/** The TMFs of a `dv_wpp` section: lines that do not decode are skipped (an image we did not build). */
export function decodeTmfSection(section: Uint8Array): Tmf[] {
  const out: Tmf[] = [];
  for (const line of Buffer.from(section).toString('latin1').split(/\s+/)) {
    if (line === '') continue;
    try {
      const t = JSON.parse(Buffer.from(line, 'base64').toString('utf8')) as Tmf;
      if (typeof t.guid === 'string' && Array.isArray(t.messages)) out.push(t);
    } catch {
      // not one of ours
    }
  }
  return out;
}

/** How the bytes of a DEFINE_CPLX_TYPE read, by its item type. */
const COMPLEX_ITEMS: Readonly<Record<'hexdump' | 'pstring' | 'macaddr', WppArgType>> = {
  hexdump: WPP_EXTENDED_TYPES.HEXDUMP!,
  pstring: COUNTED_ANSI,
  macaddr: MAC_ADDRESS,
};

/** The argument type of a `%!NAME!`: a built-in extension, else one the file declared. */
export function extendedType(name: string, types: Readonly<Record<string, TmfCustomType>>): WppArgType | undefined {
  const custom = types[name];
  if (custom?.kind === 'enum') return enumType(custom.size, custom.names);
  if (custom) return { ...COMPLEX_ITEMS[custom.kind], cType: custom.cType, log: (a) => `${custom.helper}(${a})` };
  // tracewpp reads the built-in names without regard to case (%!status! is %!STATUS!).
  const builtIn = WPP_EXTENDED_TYPES[name] ?? Object.entries(WPP_EXTENDED_TYPES).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  if (builtIn) return builtIn;
  // %!s!, %!d!, %!I64x!: a printf conversion written as a WPP type.
  const m = /^(hh|h|ll|l|I64|I32|I|w|z)?([diouxXcCsSpZ])$/.exec(name);
  if (!m) return undefined;
  const spec = { flags: '', size: m[1] ?? '', conv: m[2]! };
  const t = printfType(spec);
  return t && { ...t, decode: (r) => t.decode(r, spec) };
}

/** A message's text from its format and the bytes WmiTraceMessage collected. */
export function formatMessage(fmt: string, types: Readonly<Record<string, TmfCustomType>>, bytes: Uint8Array): string {
  const r = new WppReader(bytes);
  return fmt.replace(WPP_FORMAT_PATTERN, (whole, ...rest: unknown[]) => {
    if (whole === '%%') return '%';
    const m = [whole, ...rest] as unknown as RegExpMatchArray;
    if (m[1] !== undefined) return extendedType(m[1], types)?.decode(r) ?? whole;
    const spec = printfSpecOf(m);
    return printfType(spec)?.decode(r, spec) ?? whole;
  });
}
