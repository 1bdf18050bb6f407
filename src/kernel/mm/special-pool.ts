/**
 * Special pool (Mm): each block gets a page of its own, placed so that it ends at the page end
 * (aligned down to 8 bytes) with a no-access guard page after it, so an overrun faults at once. The
 * slack before the block is filled with a pattern that is checked at free, and the page becomes
 * no-access after free, so a later touch faults as a use after free.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { poolKind, type PoolType } from '../../nt/pool.ts';
import { AddressSpace, PAGE_SIZE, PageKind, VaRegion, VA_MAP } from './address-space.ts';

const GRANULE = 8;
/** Slack header at the page start: requested size, pool type, tag. */
const HEADER = 16;
export const SPECIAL_POOL_PATTERN = 0x5b;
/** Freed blocks kept no-access before their pages are reused. */
const QUARANTINE = 1024;

/** A page holding a live special pool block (of a nonpaged or a paged request). */
export const isSpecialPoolPage = (kind: PageKind): boolean => kind === PageKind.SpecialPool || kind === PageKind.PagedSpecialPool;

export type BugCheckFn = (code: number, p1: number, p2: number, p3: number, p4: number) => never;

export class SpecialPool {
  private readonly quarantine: number[] = [];
  private readonly region = new VaRegion('SpecialPool', VA_MAP.specialPool.start, VA_MAP.specialPool.end);
  constructor(private readonly as: AddressSpace, private readonly bugCheck: BugCheckFn) {}

  isSpecialPoolAddress(va: number): boolean {
    return this.region.contains(va >>> 0);
  }

  /** 0 when the request does not fit one page or special pool is exhausted. */
  allocate(type: PoolType, size: number, tag: number): number {
    if (size === 0 || size > PAGE_SIZE - HEADER) return 0;
    const page = this.region.allocatePages(2);
    if (page === undefined) return 0;
    this.as.setPages(page, 1, poolKind(type) === 'paged' ? PageKind.PagedSpecialPool : PageKind.SpecialPool);
    this.as.setPages(page + PAGE_SIZE, 1, PageKind.Guard);
    const address = ((page + PAGE_SIZE - size) & ~(GRANULE - 1)) >>> 0;
    this.as.fill(page, PAGE_SIZE, SPECIAL_POOL_PATTERN);
    this.as.setU32(page, size);
    this.as.setU32(page + 4, type);
    this.as.setU32(page + 8, tag);
    this.as.setU32(page + 12, address);
    this.as.zero(address, size);
    return address >>> 0;
  }

  /** Check the slack around the block, then make the page no-access. */
  free(address: number): void {
    const page = (address & ~(PAGE_SIZE - 1)) >>> 0;
    if (!isSpecialPoolPage(this.as.pageKind(page))) {
      this.bugCheck(BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, address, 0, 0, 0x20);
    }
    const size = this.as.u32(page);
    if (this.as.u32(page + 12) !== address >>> 0) {
      this.bugCheck(BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, address, size, (page + PAGE_SIZE - address) >>> 0, 0x21);
    }
    const before = this.as.findMismatch(page + HEADER, address - page - HEADER, SPECIAL_POOL_PATTERN);
    if (before >= 0) this.bugCheck(BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, address, before, 0, 0x23);
    const after = this.as.findMismatch(address + size, page + PAGE_SIZE - address - size, SPECIAL_POOL_PATTERN);
    if (after >= 0) this.bugCheck(BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, address, after, 0, 0x24);
    this.as.setPages(page, 2, PageKind.Freed);
    this.recycle(page);
  }

  private recycle(page: number): void {
    // Freed pages stay no-access for a while so a late touch is caught, then return to the region.
    this.quarantine.push(page);
    if (this.quarantine.length > QUARANTINE) {
      const old = this.quarantine.shift()!;
      this.as.setPages(old, 2, PageKind.NoAccess);
      this.region.freePages(old, 2);
    }
  }
}
