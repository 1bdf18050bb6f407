/**
 * ProbeForRead / ProbeForWrite: is a buffer a caller handed over a user-mode buffer the driver may
 * touch? Not a check that fails with a status: a bad buffer raises an exception, which the driver's
 * __try around the probe turns into its error status (and which is a bug check when it has none).
 *
 * Both: a zero length checks nothing; a misaligned address raises STATUS_DATATYPE_MISALIGNMENT; a
 * range that wraps or ends above MmUserProbeAddress raises STATUS_ACCESS_VIOLATION. ProbeForWrite
 * also touches each page, so a range with an unmapped page raises STATUS_ACCESS_VIOLATION too.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { isAccessible, MM_USER_PROBE_ADDRESS, PAGE_SIZE } from './address-space.ts';

export function probeExports(k: Kernel) {
  const probe = (address: number, length: number, alignment: number): void => {
    if (length === 0) return;
    if ((address & (alignment - 1)) !== 0) k.exceptions.raiseFromCaller(STATUS.DATATYPE_MISALIGNMENT);
    const end = address + length;
    if (end > MM_USER_PROBE_ADDRESS || end < address) k.exceptions.raiseFromCaller(STATUS.ACCESS_VIOLATION);
  };
  return {
    ProbeForRead(Address: number, Length: number, Alignment: number): void {
      probe(Address >>> 0, Length >>> 0, Alignment >>> 0);
    },
    ProbeForWrite(Address: number, Length: number, Alignment: number): void {
      const address = Address >>> 0;
      const length = Length >>> 0;
      probe(address, length, Alignment >>> 0);
      for (let page = address - (address % PAGE_SIZE); page < address + length; page += PAGE_SIZE) {
        if (!isAccessible(k.as.pageKind(page))) k.exceptions.raiseFromCaller(STATUS.ACCESS_VIOLATION);
      }
    },
  };
}
