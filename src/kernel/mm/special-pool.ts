/**
 * Special pool (Mm): each block gets a page of its own, placed so that it ends at the page end
 * (aligned down to 8 bytes) with a no-access guard page after it, so an overrun faults at once. The
 * slack before the block is filled with a pattern that is checked at free, and the page becomes
 * no-access after free, so a later touch faults as a use after free.
 *
 * A page that comes back from quarantine was checked whole at its last free: pattern everywhere but
 * the header (rewritten by each allocation) and the bytes of the block it held. Only those bytes get
 * the pattern again, not the 4 KiB: the page ends up byte for byte as a full fill leaves it. (A freed
 * or unmapped page is no-access to drivers; nothing else writes special pool pages.)
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { poolKind, type PoolType } from '../../nt/pool.ts';
import { AddressSpace, PAGE_SHIFT, PAGE_SIZE, PageKind, VA_MAP } from './address-space.ts';
import { SlotAllocator } from './slot-allocator.ts';

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
  /** Freed pages in free order, a ring (an array's shift() would move 1024 entries on every free). */
  private readonly quarantine = new Uint32Array(QUARANTINE + 1);
  private quarantineHead = 0;
  private quarantined = 0;
  /** The region's two-page slots (block page, guard page), lowest free first, as a first-fit region hands them out. */
  private readonly slots = new SlotAllocator((VA_MAP.specialPool.end - VA_MAP.specialPool.start) >>> (PAGE_SHIFT + 1));
  /**
   * Per block page of the region (by index): where the block its last checked free released began, as an
   * offset in the page, and its length; offset 0 (inside the header, never a block's) means the whole
   * page needs the pattern: never used (zeroes), or holding a live block.
   */
  private readonly lastBlockOffset = new Uint16Array((VA_MAP.specialPool.end - VA_MAP.specialPool.start) >>> PAGE_SHIFT);
  private readonly lastBlockLength = new Uint16Array(this.lastBlockOffset.length);
  constructor(private readonly as: AddressSpace, private readonly bugCheck: BugCheckFn) {}

  isSpecialPoolAddress(va: number): boolean {
    const a = va >>> 0;
    return a >= VA_MAP.specialPool.start && a < VA_MAP.specialPool.end;
  }

  /** 0 when the request does not fit one page or special pool is exhausted. */
  allocate(type: PoolType, size: number, tag: number): number {
    if (size === 0 || size > PAGE_SIZE - HEADER) return 0;
    const slot = this.slots.allocate();
    if (slot < 0) return 0;
    const page = (VA_MAP.specialPool.start + slot * 2 * PAGE_SIZE) >>> 0;
    this.as.setPages(page, 1, poolKind(type) === 'paged' ? PageKind.PagedSpecialPool : PageKind.SpecialPool);
    this.as.setPages(page + PAGE_SIZE, 1, PageKind.Guard);
    const address = ((page + PAGE_SIZE - size) & ~(GRANULE - 1)) >>> 0;
    const i = (page - VA_MAP.specialPool.start) >>> PAGE_SHIFT;
    const last = this.lastBlockOffset[i]!;
    if (last === 0) this.as.fill(page, PAGE_SIZE, SPECIAL_POOL_PATTERN);
    else this.as.fill(page + last, this.lastBlockLength[i]!, SPECIAL_POOL_PATTERN);
    this.lastBlockOffset[i] = 0;
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
    // All but the header and [address, address + size) was just found to hold the pattern (size as the
    // header gives it, which the checks above used; clipped to the page).
    const i = (page - VA_MAP.specialPool.start) >>> PAGE_SHIFT;
    this.lastBlockOffset[i] = address - page;
    this.lastBlockLength[i] = Math.min(size, page + PAGE_SIZE - address);
    this.as.setPages(page, 2, PageKind.Freed);
    this.recycle(page);
  }

  private recycle(page: number): void {
    // Freed pages stay no-access for a while so a late touch is caught, then return to the region.
    this.quarantine[(this.quarantineHead + this.quarantined++) % this.quarantine.length] = page;
    if (this.quarantined > QUARANTINE) {
      const old = this.quarantine[this.quarantineHead]!;
      this.quarantineHead = (this.quarantineHead + 1) % this.quarantine.length;
      this.quarantined--;
      this.as.setPages(old, 2, PageKind.NoAccess);
      this.slots.free((old - VA_MAP.specialPool.start) >>> (PAGE_SHIFT + 1));
    }
  }
}
