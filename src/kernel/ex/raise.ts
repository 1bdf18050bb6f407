/**
 * Raising exceptions from driver code: ExRaiseStatus and the two fixed-status forms. Each is raised
 * at the caller's code address, noncontinuable, to the driver's innermost __try (ke/except.ts).
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export function exRaiseExports(k: Kernel) {
  const raise = (status: number): never => k.exceptions.raise(status >>> 0, k.stacks.callerOf());
  return {
    ExRaiseStatus(Status: number): never {
      return raise(Status);
    },
    ExRaiseAccessViolation(): never {
      return raise(STATUS.ACCESS_VIOLATION);
    },
    ExRaiseDatatypeMisalignment(): never {
      return raise(STATUS.DATATYPE_MISALIGNMENT);
    },
  };
}
