/** Pool tags of the verifier's own allocations: one registry, as kernel/tags.ts is the kernel's. */
import { poolTag } from '../nt/pool.ts';

export const VF_TAG = {
  /** A verified driver's record (VERIFIER_DRIVER_ENTRY, driver-entry.ts). */
  DriverEntry: poolTag('VfDr'),
  /** The low resources simulation's fault tracker (faults.ts). */
  FaultTracker: poolTag('VfFt'),
  /** DMA checking's record of an adapter (thunks/dma.ts). */
  DmaRecord: poolTag('VfDm'),
  /** MDLs the verifier's I/O thunks allocate for a driver (thunks/io.ts). */
  Mdl: poolTag('VMdl'),
  /** Work items the verifier's I/O thunks allocate for a driver (thunks/io.ts). */
  WorkItem: poolTag('Vfwi'),
  /** The runaway-driver watchdog's timer and DPC (verifier.ts). */
  Watchdog: poolTag('VfSw'),
} as const;
