/** The global counters `!verifier` prints under "Summary of All Verifier Statistics". */
export class VerifierStats {
  raiseIrqls = 0;
  acquireSpinLocks = 0;
  synchExecutions = 0;
  trims = 0;
  poolAllocationsAttempted = 0;
  poolAllocationsSucceeded = 0;
  poolAllocationsSucceededSpecialPool = 0;
  poolAllocationsWithNoTag = 0;
  poolAllocationsFailed = 0;
  readonly paged = { current: 0, currentBytes: 0, peak: 0, peakBytes: 0 };
  readonly nonPaged = { current: 0, currentBytes: 0, peak: 0, peakBytes: 0 };
}

export type PoolCounters = VerifierStats['paged'];

export function countAllocation(c: PoolCounters, bytes: number): void {
  c.current++;
  c.currentBytes += bytes;
  if (c.current > c.peak) c.peak = c.current;
  if (c.currentBytes > c.peakBytes) c.peakBytes = c.currentBytes;
}

export function countFree(c: PoolCounters, bytes: number): void {
  c.current--;
  c.currentBytes -= bytes;
}
