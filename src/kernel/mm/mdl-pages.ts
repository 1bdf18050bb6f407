/**
 * Physical pages for drivers: MmAllocatePagesForMdl(Ex) hands out nonpaged pages described by a new
 * MDL (MmFreePagesFromMdl gives the pages back; the MDL itself is the caller's to ExFreePool), and
 * MmAllocateContiguousMemory(SpecifyCache) / MmAllocateNonCachedMemory hand out mapped page runs.
 *
 * One address space: the pages are whole-page nonpaged pool blocks (so mm's shadow knows them and the
 * memory checks pass), and the MDL's StartVa is where they sit, so mapping the MDL into system space
 * (MmMapLockedPagesSpecifyCache) yields them. The pages of one MDL are one run, in ascending PFN order.
 * Physical address limits (LowAddress, HighAddress, SkipBytes) and caching types are accepted and not
 * modelled: every page of the machine qualifies.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { MDL } from '../../nt/io.ts';
import { MDL_LAYOUT } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { PAGE_SIZE } from './address-space.ts';

const M = MDL_LAYOUT.off;

/** MmAllocatePagesForMdlEx Flags (MM_ALLOCATE_*). */
export const MM_ALLOCATE = {
  DONT_ZERO_ALLOCATION: 0x1,
  FROM_LOCAL_NODE_ONLY: 0x2,
  FULLY_REQUIRED: 0x4,
  NO_WAIT: 0x8,
  PREFER_CONTIGUOUS: 0x10,
  REQUIRE_CONTIGUOUS_CHUNKS: 0x20,
  FAST_LARGE_PAGES: 0x40,
  TRIM_IF_NECESSARY: 0x80,
  AND_HOT_REMOVE: 0x100,
} as const;

/** 0xC2 Parameter 1: MmFreeContiguousMemory of an address it did not allocate. */
const BAD_POOL_CALLER_BAD_PAGES_FREE = 0x60;

/** The most an MDL can describe: its Size is a CSHORT, and 4 bytes of PFN per page follow the header. */
const MAX_MDL_PAGES = Math.floor((0x7fff - MDL_LAYOUT.size) / 4);

/** What the memory manager handed out, by address: MDL page runs, contiguous and noncached runs. */
export interface PageRun {
  readonly address: number;
  readonly pages: number;
  readonly kind: 'mdl' | 'contiguous' | 'noncached';
}

export class DriverPages {
  readonly runs = new Map<number, PageRun>();

  constructor(private readonly k: Kernel) {}

  private allocateRun(pages: number, kind: PageRun['kind'], zero: boolean): number {
    const address = this.k.pool.allocate(POOL_TYPE.NonPagedPool, pages * PAGE_SIZE, TAG.MdlPages);
    if (address === 0) return 0;
    if (zero) this.k.as.zero(address, pages * PAGE_SIZE);
    this.runs.set(address, { address, pages, kind });
    return address;
  }

  private freeRun(address: number, kind: PageRun['kind']): boolean {
    const run = this.runs.get(address >>> 0);
    if (!run || run.kind !== kind) return false;
    this.runs.delete(run.address);
    this.k.pool.free(run.address, TAG.MdlPages);
    return true;
  }

  /**
   * MmAllocatePagesForMdlEx: as many pages as there are, up to TotalBytes rounded up to pages. With
   * less memory than asked the MDL describes fewer pages (its ByteCount says how many bytes), unless
   * MM_ALLOCATE_FULLY_REQUIRED; with none at all, NULL.
   */
  allocatePagesForMdl(totalBytes: number, flags: number): number {
    const k = this.k;
    const as = k.as;
    const wanted = Math.min(MAX_MDL_PAGES, Math.ceil(totalBytes / PAGE_SIZE));
    if (wanted === 0) return 0;
    let pages = wanted;
    let run = 0;
    // Fewer pages when memory is short: halve the request until it fits (one run per MDL here).
    for (; pages > 0; pages = flags & MM_ALLOCATE.FULLY_REQUIRED ? 0 : pages >>> 1) {
      run = this.allocateRun(pages, 'mdl', !(flags & MM_ALLOCATE.DONT_ZERO_ALLOCATION));
      if (run !== 0) break;
    }
    if (run === 0) return 0;
    const mdl = k.pool.allocate(POOL_TYPE.NonPagedPool, MDL_LAYOUT.size + 4 * pages, TAG.Mdl);
    if (mdl === 0) {
      this.freeRun(run, 'mdl');
      return 0;
    }
    const bytes = pages === wanted ? totalBytes : pages * PAGE_SIZE;
    k.io.mdl.initializeMdl(mdl, run, bytes);
    for (let i = 0; i < pages; i++) as.setU32(mdl + MDL_LAYOUT.size + 4 * i, ((run >>> 12) + i) >>> 0);
    // Locked (the pages are resident and owned by the MDL), not mapped: MmMapLockedPagesSpecifyCache maps them.
    as.setU16(mdl + M.MdlFlags, MDL.PAGES_LOCKED);
    return mdl;
  }

  /** MmFreePagesFromMdl: the pages go back; the MDL stays, describing nothing (ByteCount 0). */
  freePagesFromMdl(mdl: number): boolean {
    const as = this.k.as;
    if (!this.freeRun(as.u32(mdl + M.StartVa), 'mdl')) return false;
    as.setU32(mdl + M.ByteCount, 0);
    as.setU16(mdl + M.MdlFlags, as.u16(mdl + M.MdlFlags) & ~(MDL.PAGES_LOCKED | MDL.MAPPED_TO_SYSTEM_VA));
    return true;
  }

  /** The page run an MDL from MmAllocatePagesForMdl(Ex) holds, if it holds one. */
  runOfMdl(mdl: number): PageRun | undefined {
    const run = this.runs.get(this.k.as.u32(mdl + M.StartVa));
    return run?.kind === 'mdl' ? run : undefined;
  }

  allocateMapped(bytes: number, kind: 'contiguous' | 'noncached'): number {
    if (bytes === 0) return 0;
    return this.allocateRun(Math.ceil(bytes / PAGE_SIZE), kind, kind === 'noncached');
  }

  freeMapped(address: number, kind: 'contiguous' | 'noncached'): boolean {
    return this.freeRun(address, kind);
  }
}

export function mdlPagesExports(k: Kernel) {
  const pages = k.driverPages;
  /**
   * A free of something these routines did not hand out (freed already, or never allocated): Windows
   * stops MmFreeContiguousMemory's with 0xC2/0x60; the page frees share it here (P2 the address).
   */
  const badFree = (address: number): never => k.bugCheck(BUGCHECK.BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_PAGES_FREE, address >>> 0, 0, 0) as never;
  return {
    /** IRQL <= APC_LEVEL. LowAddress, HighAddress and SkipBytes are PHYSICAL_ADDRESSes (not modelled: every page qualifies). */
    MmAllocatePagesForMdl(_LowAddress: bigint, _HighAddress: bigint, _SkipBytes: bigint, TotalBytes: number): number {
      return pages.allocatePagesForMdl(TotalBytes >>> 0, 0);
    },
    /** As MmAllocatePagesForMdl, with MM_ALLOCATE_* Flags (zeroing, full allocation required). */
    MmAllocatePagesForMdlEx(_LowAddress: bigint, _HighAddress: bigint, _SkipBytes: bigint, TotalBytes: number, _CacheType: number, Flags: number): number {
      return pages.allocatePagesForMdl(TotalBytes >>> 0, Flags >>> 0);
    },
    /** IRQL <= DISPATCH_LEVEL. The MDL's pages go back; the caller then frees the MDL with ExFreePool. */
    MmFreePagesFromMdl(MemoryDescriptorList: number): void {
      if (!pages.freePagesFromMdl(MemoryDescriptorList >>> 0)) badFree(MemoryDescriptorList);
    },
    /** IRQL <= DISPATCH_LEVEL. Physically contiguous, mapped, cached pages; NULL when there are none. */
    MmAllocateContiguousMemory(NumberOfBytes: number, _HighestAcceptableAddress: bigint): number {
      return pages.allocateMapped(NumberOfBytes >>> 0, 'contiguous');
    },
    MmAllocateContiguousMemorySpecifyCache(NumberOfBytes: number, _Lowest: bigint, _Highest: bigint, _BoundaryAddressMultiple: bigint, _CacheType: number): number {
      return pages.allocateMapped(NumberOfBytes >>> 0, 'contiguous');
    },
    /** IRQL <= DISPATCH_LEVEL (Windows: = DISPATCH_LEVEL for the DDI rule IrqlMmDispatch, <= for the DDI page). */
    MmFreeContiguousMemory(BaseAddress: number): void {
      if (!pages.freeMapped(BaseAddress >>> 0, 'contiguous')) badFree(BaseAddress);
    },
    MmFreeContiguousMemorySpecifyCache(BaseAddress: number, _NumberOfBytes: number, _CacheType: number): void {
      if (!pages.freeMapped(BaseAddress >>> 0, 'contiguous')) badFree(BaseAddress);
    },
    /** IRQL <= APC_LEVEL. Zeroed, noncached pages mapped into system space. */
    MmAllocateNonCachedMemory(NumberOfBytes: number): number {
      return pages.allocateMapped(NumberOfBytes >>> 0, 'noncached');
    },
    MmFreeNonCachedMemory(BaseAddress: number, _NumberOfBytes: number): void {
      if (!pages.freeMapped(BaseAddress >>> 0, 'noncached')) badFree(BaseAddress);
    },
  };
}
