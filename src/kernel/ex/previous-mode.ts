/**
 * ExGetPreviousMode: the mode the current system service was called from. The run's client thread
 * is user mode; a Zw routine the kernel or a driver calls (even in that thread) enters the service
 * from kernel mode, so registry callbacks raised by a driver's ZwXxx see KernelMode. `kernelCall`
 * brackets such a call.
 */
import type { Kernel } from '../kernel.ts';

export const KPROCESSOR_MODE = { KernelMode: 0, UserMode: 1 } as const;

const depth = new WeakMap<Kernel, number>();

/** Run `body` as a system service entered from kernel mode. */
export function kernelCall<T>(k: Kernel, body: () => T): T {
  depth.set(k, (depth.get(k) ?? 0) + 1);
  try {
    return body();
  } finally {
    depth.set(k, depth.get(k)! - 1);
  }
}

export function previousMode(k: Kernel): number {
  if ((depth.get(k) ?? 0) > 0) return KPROCESSOR_MODE.KernelMode;
  return k.currentThread.process === k.userProcess ? KPROCESSOR_MODE.UserMode : KPROCESSOR_MODE.KernelMode;
}

export function previousModeExports(k: Kernel) {
  return {
    ExGetPreviousMode(): number {
      return previousMode(k);
    },
  };
}
