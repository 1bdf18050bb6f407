/**
 * The current thread's kernel stack as a driver asks about it (IoGetInitialStack, IoGetStackLimits,
 * IoGetRemainingStackSize): the stack the code runs on, a thread's or the processor's DPC stack.
 */
import type { Kernel } from '../kernel.ts';

export function stackLimitExports(k: Kernel) {
  return {
    /** The initial stack: its base (the highest address; the stack grows down from it). */
    IoGetInitialStack(): number {
      return k.currentStack().base >>> 0;
    },
    /** [LowLimit, HighLimit) of the current stack, written to the two ULONG_PTRs. */
    IoGetStackLimits(LowLimit: number, HighLimit: number): void {
      const stack = k.currentStack();
      k.as.setU32(LowLimit >>> 0, stack.limit);
      k.as.setU32(HighLimit >>> 0, stack.base);
    },
    /**
     * Bytes left below the stack pointer: a C driver's is known at each DDI call; a TypeScript
     * driver has none, so it is the whole stack.
     */
    IoGetRemainingStackSize(): number {
      const stack = k.currentStack();
      const sp = k.driverStackPointer;
      return (sp > stack.limit && sp <= stack.base ? sp - stack.limit : stack.base - stack.limit) >>> 0;
    },
  };
}
