/**
 * How DDIs receive their arguments from wasm32 C code. Most are 32-bit values, which arrive signed
 * and are read unsigned here (NT means unsigned: addresses, ULONGs, NTSTATUS). The exceptions are
 * listed: a LARGE_INTEGER passed by value arrives as a pointer to it (the wasm C ABI passes structs
 * by reference), and a variadic routine receives a pointer to its argument buffer.
 */
import type { AddressSpace } from '../../kernel/mm/address-space.ts';
import type { ArgSource } from '../../kernel/rtl/format.ts';

export type ParamKind = 'u32' | 'i64' | 'largeIntegerByValue' | 'ulongUnionByValue' | 'varargs';

/** Parameters that are not plain 32-bit values, by DDI: parameter index -> kind. */
export const DDI_PARAMS: Readonly<Record<string, Readonly<Record<number, ParamKind>>>> = {
  ExAllocatePool2: { 0: 'i64' },
  KeSetTimer: { 1: 'largeIntegerByValue' },
  KeSetTimerEx: { 1: 'largeIntegerByValue' },
  CmUnRegisterCallback: { 0: 'largeIntegerByValue' },
  DbgPrint: { 1: 'varargs' },
  // POWER_STATE, a union of two enums: by value it arrives as a pointer to a copy.
  PoSetPowerState: { 2: 'ulongUnionByValue' },
  PoRequestPowerIrp: { 2: 'ulongUnionByValue' },
  DbgPrintEx: { 3: 'varargs' },
  // A va_list is the same pointer into the caller's argument buffer.
  vDbgPrintEx: { 3: 'varargs' },
  // WPP: a TRACEHANDLE / REGHANDLE is 64 bits; WmiTraceMessage's (pointer, size) pairs follow its fixed arguments.
  WmiTraceMessage: { 0: 'i64', 4: 'varargs' },
  EtwUnregister: { 0: 'i64' },
  // The WPP recorder's message: WmiTraceMessage's pairs after its five fixed arguments (etw/recorder.ts).
  WppAutoLogTrace: { 5: 'varargs' },
  MmMapIoSpace: { 0: 'largeIntegerByValue' },
  MmMapIoSpaceEx: { 0: 'largeIntegerByValue' },
  MmAllocatePagesForMdl: { 0: 'largeIntegerByValue', 1: 'largeIntegerByValue', 2: 'largeIntegerByValue' },
  MmAllocatePagesForMdlEx: { 0: 'largeIntegerByValue', 1: 'largeIntegerByValue', 2: 'largeIntegerByValue' },
  MmAllocateContiguousMemory: { 1: 'largeIntegerByValue' },
  MmAllocateContiguousMemorySpecifyCache: { 1: 'largeIntegerByValue', 2: 'largeIntegerByValue', 3: 'largeIntegerByValue' },
};

/**
 * DDIs that return a union by value, with its size: the wasm C ABI passes a pointer to the result as
 * a first parameter and returns nothing. The kernel routine returns the value: a LARGE_INTEGER as a
 * bigint, a POWER_STATE as a number.
 */
export const DDI_AGGREGATE_RESULTS: ReadonlyMap<string, 4 | 8> = new Map<string, 4 | 8>([
  ['KeQueryPerformanceCounter', 8],
  ['PoSetPowerState', 4],
]);

/** The C va_list of wasm32: consecutive slots, 4-byte values at 4-byte alignment, 8-byte at 8. */
export class VaList implements ArgSource {
  constructor(private readonly as: AddressSpace, private p: number) {}
  int(): number {
    const v = this.as.u32(this.p);
    this.p += 4;
    return v;
  }
  int64(): bigint {
    this.p = (this.p + 7) & ~7;
    const v = this.as.u64(this.p);
    this.p += 8;
    return v;
  }
}

/** Adapt one kernel routine to the values wasm passes it. */
export function adaptImport(name: string, fn: (...args: never[]) => unknown, as: AddressSpace): (...args: unknown[]) => unknown {
  const adapted = adaptParams(DDI_PARAMS[name], fn, as);
  const size = DDI_AGGREGATE_RESULTS.get(name);
  if (size === undefined) return adapted;
  return (result: unknown, ...args: unknown[]) => {
    const value = adapted(...args);
    if (size === 4) as.setU32((result as number) >>> 0, (value as number) >>> 0);
    else as.setU64((result as number) >>> 0, BigInt.asUintN(64, BigInt(value as bigint)));
  };
}

function adaptParams(special: Readonly<Record<number, ParamKind>> | undefined, fn: (...args: never[]) => unknown, as: AddressSpace): (...args: unknown[]) => unknown {
  const call = fn as (...args: unknown[]) => unknown;
  if (!special) {
    return (...args: unknown[]) => {
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'number') args[i] = (args[i] as number) >>> 0;
      return normalizeResult(call(...args));
    };
  }
  return (...args: unknown[]) => {
    const out: unknown[] = [];
    for (let i = 0; i < args.length; i++) {
      const kind = special[i] ?? 'u32';
      const a = args[i];
      if (kind === 'varargs') {
        // The kernel's variadic routines take the rest of their arguments from an ArgSource.
        out.push(new VaList(as, (a as number) >>> 0));
        break;
      }
      if (kind === 'largeIntegerByValue') out.push(BigInt.asIntN(64, as.u64((a as number) >>> 0)));
      else if (kind === 'ulongUnionByValue') out.push(as.u32((a as number) >>> 0));
      else if (kind === 'i64') out.push(a as bigint);
      else out.push((a as number) >>> 0);
    }
    return normalizeResult(call(...out));
  };
}

/** wasm wants numbers (or BigInt for i64 results); booleans become 0/1. */
function normalizeResult(r: unknown): unknown {
  return typeof r === 'boolean' ? (r ? 1 : 0) : r;
}
