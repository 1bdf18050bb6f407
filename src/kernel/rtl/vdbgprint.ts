/**
 * vDbgPrintEx: DbgPrintEx with its arguments as a va_list, for drivers that wrap it in a variadic
 * helper of their own (simbatt's DebugPrint). On wasm32 a va_list is a pointer into the caller's
 * argument buffer, which is what a C driver's variadic DbgPrintEx passes too: the loader reads both
 * the same way (src/loader/wasm/abi.ts).
 */
import type { Kernel } from '../kernel.ts';
import { argSource } from './exports.ts';
import { formatDbgPrint, type ArgSource } from './format.ts';

export function vDbgPrintExports(k: Kernel) {
  return {
    /** Any IRQL (as DbgPrintEx). The component and level filter nothing: every message is printed. */
    vDbgPrintEx(_ComponentId: number, _Level: number, Format: number, ...args: (number | bigint | ArgSource)[]): number {
      k.debugPrint(formatDbgPrint(k.as, k.as.cstring(Format), argSource(args)));
      return 0;
    },
  };
}
