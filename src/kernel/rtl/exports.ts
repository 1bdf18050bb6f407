/** Run-time library DDIs: counted strings and debug output. */
import { UNICODE_STRING } from '../../nt/layout.ts';
import type { Kernel } from '../kernel.ts';
import { formatDbgPrint, type ArgSource } from './format.ts';

const US = UNICODE_STRING.off;

/**
 * Variadic DDIs receive their arguments after the fixed ones: JS values from a TypeScript driver,
 * or one ArgSource over the argument buffer a C driver passes (its va_list).
 */
export function argSource(args: readonly (number | bigint | ArgSource)[]): ArgSource {
  const only = args[0];
  if (args.length === 1 && typeof only === 'object') return only;
  let i = 0;
  return {
    int: () => Number(BigInt.asUintN(32, BigInt((args[i++] as number | bigint | undefined) ?? 0))),
    int64: () => BigInt((args[i++] as number | bigint | undefined) ?? 0),
  };
}

/** The most bytes a UNICODE_STRING can count, in whole WCHARs (WRK MAX_USTRING). */
const MAX_USTRING = 0xfffe;

/** RtlUpcaseUnicodeChar: one WCHAR to one WCHAR; a character whose capital is longer (ß -> SS) stays. */
function upcase(c: number): number {
  const u = String.fromCharCode(c).toUpperCase();
  return u.length === 1 ? u.charCodeAt(0) : c;
}

export function rtlExports(k: Kernel) {
  const as = k.as;
  return {
    RtlInitUnicodeString(DestinationString: number, SourceString: number): void {
      let length = 0;
      if (SourceString !== 0) while (as.u16(SourceString + length) !== 0) length += 2;
      // MAX_USTRING: a longer string is cut to the most a UNICODE_STRING can count, NUL included.
      if (length >= MAX_USTRING) length = MAX_USTRING - 2;
      as.setU16(DestinationString + US.Length, length);
      as.setU16(DestinationString + US.MaximumLength, SourceString === 0 ? 0 : length + 2);
      as.setU32(DestinationString + US.Buffer, SourceString);
    },
    RtlCopyUnicodeString(DestinationString: number, SourceString: number): void {
      if (SourceString === 0) {
        as.setU16(DestinationString + US.Length, 0);
        return;
      }
      const dst = as.u32(DestinationString + US.Buffer);
      const max = as.u16(DestinationString + US.MaximumLength);
      const len = Math.min(as.u16(SourceString + US.Length), max);
      if (len > 0) as.copy(dst, as.u32(SourceString + US.Buffer), len);
      if (len + 2 <= max) as.setU16(dst + len, 0);
      as.setU16(DestinationString + US.Length, len);
    },
    /** The first differing WCHAR decides (after upcasing when asked), else the difference in Length. */
    RtlCompareUnicodeString(String1: number, String2: number, CaseInSensitive: number): number {
      const n1 = as.u16(String1 + US.Length);
      const n2 = as.u16(String2 + US.Length);
      const s1 = as.u32(String1 + US.Buffer);
      const s2 = as.u32(String2 + US.Buffer);
      for (let i = 0; i < Math.min(n1, n2); i += 2) {
        let c1 = as.u16(s1 + i);
        let c2 = as.u16(s2 + i);
        if (c1 !== c2 && CaseInSensitive) [c1, c2] = [upcase(c1), upcase(c2)];
        if (c1 !== c2) return c1 - c2;
      }
      return n1 - n2;
    },
    /** Strings of different Length are never equal. */
    RtlEqualUnicodeString(String1: number, String2: number, CaseInSensitive: number): number {
      const n = as.u16(String1 + US.Length);
      if (n !== as.u16(String2 + US.Length)) return 0;
      const s1 = as.u32(String1 + US.Buffer);
      const s2 = as.u32(String2 + US.Buffer);
      for (let i = 0; i + 2 <= n; i += 2) {
        const c1 = as.u16(s1 + i);
        const c2 = as.u16(s2 + i);
        if (c1 !== c2 && (!CaseInSensitive || upcase(c1) !== upcase(c2))) return 0;
      }
      return 1;
    },
    DbgPrint(Format: number, ...args: (number | bigint | ArgSource)[]): number {
      k.debugPrint(formatDbgPrint(as, as.cstring(Format), argSource(args)));
      return 0;
    },
    DbgPrintEx(_ComponentId: number, _Level: number, Format: number, ...args: (number | bigint | ArgSource)[]): number {
      k.debugPrint(formatDbgPrint(as, as.cstring(Format), argSource(args)));
      return 0;
    },
  };
}
