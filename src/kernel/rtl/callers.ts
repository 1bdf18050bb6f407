/**
 * RtlGetCallersAddress: the code addresses the caller of the calling routine returns to, read from
 * the machine's call stacks (ke/callstack.ts). Each is the call site itself rather than the
 * instruction after it, an address inside the same caller, which is what `ln` and drivers that
 * record "who allocated this" want. It is also what _ReturnAddress() means in a C driver (wdm.h
 * defines it over this routine: wasm keeps return addresses out of reach of the code).
 */
import { VA_MAP } from '../mm/address-space.ts';
import type { Kernel } from '../kernel.ts';

const isKernelCode = (pc: number): boolean => pc >= VA_MAP.ntImage.start && pc < VA_MAP.ntImage.end;

export function rtlCallersExports(k: Kernel) {
  const as = k.as;
  return {
    /**
     * Driver frames innermost first: [0] is the call to this routine, in routine F; [1] the call to F
     * in its caller; [2] the call to that caller. A frame the stack does not reach reads as NULL.
     */
    RtlGetCallersAddress(CallersAddress: number, CallersCaller: number): void {
      const frames = k.stacks.capture().filter((pc) => !isKernelCode(pc));
      as.setU32(CallersAddress, frames[1] ?? 0);
      as.setU32(CallersCaller, frames[2] ?? 0);
    },
  };
}
