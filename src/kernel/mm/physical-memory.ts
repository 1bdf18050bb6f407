/**
 * The machine's physical memory size, and the pool limits Windows derives from it.
 *
 * Windows (x86, Vista and later; "Memory Limits for Windows Releases", and Russinovich's "Pushing
 * the Limits of Windows: Paged and Nonpaged Pool"): nonpaged pool may grow to 75% of RAM, bounded by
 * the kernel address space it lives in; paged pool is bounded by kernel address space and the system
 * commit limit (RAM plus paging files). Our choices where Windows leaves one:
 * - there are no paging files, so the commit limit is RAM: paged pool may grow to all of RAM;
 * - each pool's limit is also its VA region's size (src/kernel/mm/address-space.ts is the layout,
 *   the limit is a commit limit inside it); session pool and special pool are bounded by their
 *   regions alone;
 * - pages count when the pool takes them (a page of small blocks counts whole).
 * The default, 512 MiB, fits a CI runner: at that size the nonpaged limit is its 128 MiB region, and
 * a driver that fills it with small blocks reaches its NULL inside a 768 MiB Node heap.
 */
import { PAGE_SIZE, VA_MAP } from './address-space.ts';

export { DEFAULT_MEMORY, MAX_MEMORY, MemorySizeError, MiB, MIN_MEMORY, parseMemorySize } from './memory-size.ts';

export interface PoolLimits {
  /** Bytes of pages each pool may take. */
  readonly nonPaged: number;
  readonly paged: number;
  readonly session: number;
}

const regionBytes = (r: { start: number; end: number }) => r.end - r.start;

export function poolLimits(memory: number): PoolLimits {
  const pageDown = (n: number) => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;
  return {
    nonPaged: Math.min(pageDown(memory * 0.75), regionBytes(VA_MAP.nonPagedPool)),
    paged: Math.min(pageDown(memory), regionBytes(VA_MAP.pagedPool)),
    session: regionBytes(VA_MAP.session),
  };
}
