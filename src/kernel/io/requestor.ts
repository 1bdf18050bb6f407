/** What a driver may ask about the process behind a request. */
import type { Kernel } from '../kernel.ts';

export function requestorExports(_k: Kernel) {
  return {
    /** FALSE: the simulated machine is 32-bit, so no requestor is a 32-bit process on a 64-bit system. */
    IoIs32bitProcess(_Irp: number): number {
      return 0;
    },
  };
}
