/**
 * Which pool block an address belongs to, or runs off the end of: what a memory stop names in
 * `!analyze -v` (a 1-byte read past "the 0x20-byte block at X"). It walks the pool's own structures
 * as `!pool` does: a special pool page's header, a small-block page's chain of POOL_HEADERs
 * (BlockSize in granules, PoolType 0 for a free block), or a whole-page block's first page.
 */
import { MAX_SMALL_BLOCK, POOL_HEADER_SIZE, type ExPool, type PoolBlock } from './pool.ts';
import { AddressSpace, PAGE_SIZE, PageKind, VA_MAP } from '../mm/address-space.ts';
import { isSpecialPoolPage } from '../mm/special-pool.ts';

export interface BlockAround {
  readonly block: PoolBlock;
  /** The block has been freed (its header says so, or its special pool page is no-access). */
  readonly freed: boolean;
}

const GRANULE = 8;
/** How far back a whole-page block's start is looked for (pages): a block of up to 256 KiB. */
const BIG_BLOCK_PAGES = 64;

export function poolBlockAround(pool: ExPool, as: AddressSpace, address: number): BlockAround | undefined {
  const a = address >>> 0;
  const page = (a & ~(PAGE_SIZE - 1)) >>> 0;
  if (a >= VA_MAP.specialPool.start && a < VA_MAP.specialPool.end) return specialPoolBlock(pool, as, page);
  const kind = as.pageKind(page);
  // A whole-page block freed recently: its pages are unmapped since.
  if (kind === PageKind.NoAccess) return pool.isPoolAddress(a) ? (wholePageBlock(a, page, true, (p) => pool.recentlyFreedBlock(p)) ?? undefined) : undefined;
  if (kind !== PageKind.Pool && kind !== PageKind.PagedPool && kind !== PageKind.SessionPool) return undefined;
  // A live whole-page block covering the address (its slack runs to the end of its last page).
  const whole = wholePageBlock(a, page, false, (p) => pool.block(p), (p) => as.pageKind(p) === kind);
  if (whole !== null) return whole;
  // A page of small blocks: follow the headers from the page start.
  let previous: BlockAround | undefined;
  for (let h = page; h < page + PAGE_SIZE; ) {
    const word = as.u32(h);
    const granules = (word >>> 16) & 0x1ff;
    if (granules === 0) return previous; // the part of the page not carved yet
    const start = h + POOL_HEADER_SIZE;
    const freed = word >>> 25 === 0;
    const block = freed ? pool.recentlyFreedBlock(start) : pool.block(start);
    const here = block ? { block, freed } : undefined;
    // An address in a header belongs to the block before it (an overrun is likelier than an underrun).
    if (a < start) return previous ?? here;
    if (a < h + granules * GRANULE) return here;
    previous = here;
    h += granules * GRANULE;
  }
  return previous;
}

/**
 * The whole-page block (no header: it starts a page) whose pages hold `a`, found by `lookup` from
 * `page` down; `sameRun(p)` says a page still belongs to the run being searched. Null when no
 * whole-page block starts within reach; undefined when the nearest one ends before `a`.
 */
function wholePageBlock(a: number, page: number, freed: boolean, lookup: (p: number) => PoolBlock | undefined, sameRun: (p: number) => boolean = () => true): BlockAround | undefined | null {
  for (let p = page, n = 0; n < BIG_BLOCK_PAGES; p -= PAGE_SIZE, n++) {
    if (n > 0 && !sameRun(p)) break;
    const b = lookup(p);
    if (b && b.size > MAX_SMALL_BLOCK && !b.special) return a < p + Math.ceil(b.size / PAGE_SIZE) * PAGE_SIZE ? { block: b, freed } : undefined;
  }
  return null;
}

function specialPoolBlock(pool: ExPool, as: AddressSpace, page: number): BlockAround | undefined {
  // The block's page, or the guard page after it.
  for (const p of [page, page - PAGE_SIZE]) {
    const kind = as.pageKind(p);
    if (!isSpecialPoolPage(kind) && kind !== PageKind.Freed) continue;
    const start = as.u32(p + 12);
    if (start < p || start >= p + PAGE_SIZE) continue;
    const freed = kind === PageKind.Freed;
    const block = freed ? pool.recentlyFreedBlock(start) : pool.block(start);
    if (block) return { block, freed };
  }
  return undefined;
}
