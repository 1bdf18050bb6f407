/**
 * DbgBreakPoint and DbgBreakPointWithStatus: an int 3 in the kernel. With a kernel debugger attached
 * (KdDebuggerEnabled) the debugger gets the machine and `g` continues after the call. Without one the
 * breakpoint exception has no handler: KMODE_EXCEPTION_NOT_HANDLED (0x1E), or
 * SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (0x7E) in a system thread, with STATUS_BREAKPOINT and the
 * address of the int 3 - unless the driver's __try around the call takes the exception.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { STATUS } from '../../nt/status.ts';
import type { BreakpointRoutine, Kernel } from '../kernel.ts';

export function breakpointExports(k: Kernel) {
  const breakIn = (routine: BreakpointRoutine, status: number | undefined): void => {
    const address = k.nt.address(routine);
    const inSystemThread = k.currentThread.process === k.systemProcess && k.currentThread !== k.systemThread;
    const code = inSystemThread ? BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED : BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED;
    const params = [STATUS.BREAKPOINT, address, 0, 0] as const;
    const caller = k.stacks.callerOf();
    const from = caller ? ` called from ${k.describe(caller)}` : '';
    if (!k.kdDebuggerEnabled) {
      k.stacks.frame(address, () => k.exceptions.raise(STATUS.BREAKPOINT, address));
    }
    k.debugBreak({
      code,
      params,
      breakpoint: routine,
      message: [
        `Breakpoint: ${routine}${status === undefined ? '' : `(0x${status.toString(16).padStart(8, '0')})`}${from}.`,
        `Without a kernel debugger this is bug check 0x${code.toString(16).toUpperCase()} with STATUS_BREAKPOINT (0x80000003): no handler takes the exception.`,
        'g continues after the call; q quits.',
      ],
    });
  };
  return {
    DbgBreakPoint(): void {
      breakIn('DbgBreakPoint', undefined);
    },
    DbgBreakPointWithStatus(Status: number): void {
      breakIn('DbgBreakPointWithStatus', Status >>> 0);
    },
  };
}
