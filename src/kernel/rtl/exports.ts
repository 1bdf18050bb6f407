/** Run-time library DDIs: counted strings and debug output. */
import { UNICODE_STRING } from '../../nt/layout.ts';
import type { Kernel } from '../kernel.ts';
import { formatDbgPrint, type ArgSource } from './format.ts';

const US = UNICODE_STRING.off;

/** Variadic DDIs receive their arguments after the fixed ones (a TS driver passes them as JS values). */
function argSource(args: readonly (number | bigint)[]): ArgSource {
  let i = 0;
  return {
    int: () => Number(BigInt.asUintN(32, BigInt(args[i++] ?? 0))),
    int64: () => BigInt(args[i++] ?? 0),
  };
}

export function rtlExports(k: Kernel) {
  const as = k.as;
  return {
    RtlInitUnicodeString(DestinationString: number, SourceString: number): void {
      let chars = 0;
      if (SourceString !== 0) while (as.u16(SourceString + 2 * chars) !== 0) chars++;
      as.setU16(DestinationString + US.Length, 2 * chars);
      as.setU16(DestinationString + US.MaximumLength, SourceString === 0 ? 0 : 2 * chars + 2);
      as.setU32(DestinationString + US.Buffer, SourceString);
    },
    RtlCopyUnicodeString(DestinationString: number, SourceString: number): void {
      const dst = as.u32(DestinationString + US.Buffer);
      const max = as.u16(DestinationString + US.MaximumLength);
      const len = SourceString === 0 ? 0 : Math.min(as.u16(SourceString + US.Length), max);
      if (len > 0) as.copy(dst, as.u32(SourceString + US.Buffer), len);
      if (len + 2 <= max) as.setU16(dst + len, 0);
      as.setU16(DestinationString + US.Length, len);
    },
    RtlCompareUnicodeString(String1: number, String2: number, CaseInSensitive: number): number {
      let a = k.io.readUnicodeString(String1);
      let b = k.io.readUnicodeString(String2);
      if (CaseInSensitive) [a, b] = [a.toUpperCase(), b.toUpperCase()];
      return a < b ? -1 : a > b ? 1 : 0;
    },
    RtlEqualUnicodeString(String1: number, String2: number, CaseInSensitive: number): number {
      let a = k.io.readUnicodeString(String1);
      let b = k.io.readUnicodeString(String2);
      if (CaseInSensitive) [a, b] = [a.toUpperCase(), b.toUpperCase()];
      return a === b ? 1 : 0;
    },
    DbgPrint(Format: number, ...args: (number | bigint)[]): number {
      k.debugPrint(formatDbgPrint(as, as.cstring(Format), argSource(args)));
      return 0;
    },
    DbgPrintEx(_ComponentId: number, _Level: number, Format: number, ...args: (number | bigint)[]): number {
      k.debugPrint(formatDbgPrint(as, as.cstring(Format), argSource(args)));
      return 0;
    },
  };
}
