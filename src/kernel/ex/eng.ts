/**
 * EngAllocMem / EngFreeMem: the memory routines graphics drivers get from win32k. On Windows they
 * are not ntoskrnl exports; this simulator has no win32k, so the kernel exports them itself, for
 * simplicity. What matters is where the memory comes from: session pool, virtualized per Terminal
 * Server session, so an address there means different memory in each session.
 */
import { POOL_TYPE } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';

/** EngAllocMem flags (winddi.h). */
export const FL_ZERO_MEMORY = 0x1;
export const FL_NONPAGED_MEMORY = 0x2;

export function engExports(k: Kernel) {
  return {
    /** Session pool: nonpaged with FL_NONPAGED_MEMORY, else paged. Blocks are always zeroed here. */
    EngAllocMem(Flags: number, MemSize: number, Tag: number): number {
      if ((MemSize >>> 0) === 0) return 0;
      const type = Flags & FL_NONPAGED_MEMORY ? POOL_TYPE.NonPagedPoolSession : POOL_TYPE.PagedPoolSession;
      return k.pool.allocate(type, MemSize >>> 0, Tag >>> 0);
    },
    EngFreeMem(Mem: number): void {
      k.pool.free(Mem >>> 0, 0);
    },
  };
}
