/**
 * Raising exceptions from driver code: ExRaiseStatus and the two fixed-status forms. Each is raised
 * at the caller's code address, noncontinuable, to the driver's innermost __try (ke/except.ts).
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export function exRaiseExports(k: Kernel) {
  return {
    ExRaiseStatus(Status: number): never {
      return k.exceptions.raiseFromCaller(Status);
    },
    ExRaiseAccessViolation(): never {
      return k.exceptions.raiseFromCaller(STATUS.ACCESS_VIOLATION);
    },
    ExRaiseDatatypeMisalignment(): never {
      return k.exceptions.raiseFromCaller(STATUS.DATATYPE_MISALIGNMENT);
    },
  };
}
