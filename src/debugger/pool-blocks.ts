/**
 * Pool blocks as a dump shows them, for `!pool` and `!poolused`: a small-block page's chain of
 * POOL_HEADERs (PreviousSize:9 PoolIndex:7 BlockSize:9 PoolType:7 in granules, PoolType 0 when free,
 * then the tag), a special pool page's slack header (size, type, tag, block address), and whole-page
 * blocks, which have no header: the dump knows those only from the verifier's allocation lists.
 */
import { VA_MAP } from '../kernel/mm/address-space.ts';
import { MAX_SMALL_BLOCK, POOL_HEADER_SIZE } from '../kernel/ex/pool.ts';
import { TAG } from '../kernel/tags.ts';
import { formatTag, isPagedPool } from '../nt/pool.ts';
import type { DebugTarget } from './target.ts';
import { VF_TAG } from '../verifier/tags.ts';

const GRANULE = 8;
/** The base POOL_TYPEs a header's 7-bit PoolType field can hold (wdm.h; NonPagedPoolNx's 0x200 masks to 0). */
const POOL_TYPES = new Set([0, 1, 2, 3, 4, 5, 6, 32, 33, 34, 35, 36, 37, 38]);
const PAGE = 0x1000;

export type PoolRegion = 'Nonpaged pool' | 'Paged pool' | 'Session pool' | 'Special pool';

/** The pool region an address lies in, as `!pool` names it; undefined outside the pools. */
export function poolRegion(address: number): PoolRegion | undefined {
  const a = address >>> 0;
  const within = (r: { start: number; end: number }) => a >= r.start && a < r.end;
  if (within(VA_MAP.nonPagedPool)) return 'Nonpaged pool';
  if (within(VA_MAP.pagedPool)) return 'Paged pool';
  if (within(VA_MAP.session)) return 'Session pool';
  if (within(VA_MAP.specialPool)) return 'Special pool';
  return undefined;
}

/** A small block: its header's address, size in bytes (header included) and the previous block's. */
export interface SmallBlock {
  readonly header: number;
  readonly size: number;
  readonly previousSize: number;
  readonly allocated: boolean;
  readonly paged: boolean;
  readonly tag: number;
}

/** The headers of a small-block page, in order, up to the part not carved yet (or unreadable). */
export function smallBlocks(t: DebugTarget, page: number): SmallBlock[] {
  const out: SmallBlock[] = [];
  for (let h = page; h < page + PAGE; ) {
    const word = t.u32(h);
    const tag = t.u32(h + 4);
    if (word === undefined || tag === undefined) break;
    const granules = (word >>> 16) & 0x1ff;
    if (granules === 0 || h + granules * GRANULE > page + PAGE) break;
    const type = word >>> 25;
    // Not a header (a whole-page block the dump cannot name, or a damaged page): the chain ends.
    if ((type !== 0 && !POOL_TYPES.has(type - 1)) || formatTag(tag).includes('?')) break;
    out.push({ header: h, size: granules * GRANULE, previousSize: (word & 0x1ff) * GRANULE, allocated: type !== 0, paged: type !== 0 && isPagedPool(type - 1), tag });
    h += granules * GRANULE;
  }
  return out;
}

export interface SpecialBlock {
  readonly address: number;
  readonly size: number;
  readonly paged: boolean;
  readonly tag: number;
}

/** The special pool block of a page (its header at the page start), or undefined. */
export function specialBlock(t: DebugTarget, page: number): SpecialBlock | undefined {
  const [size, type, tag, address] = [t.u32(page), t.u32(page + 4), t.u32(page + 8), t.u32(page + 12)];
  if (size === undefined || type === undefined || tag === undefined || address === undefined) return undefined;
  if (address < page || address >= page + PAGE || size === 0 || address + size > page + PAGE) return undefined;
  return { address, size, paged: isPagedPool(type), tag };
}

/**
 * A special pool block is live when a verified driver still holds it: special pool serves the
 * verified drivers only, and a freed block's page keeps its header (it is no-access, not cleared).
 */
export function liveSpecialBlock(t: DebugTarget, address: number): boolean {
  return (t.dump.verifier?.drivers ?? []).some((d) => d.allocations.some((a) => a.address === address));
}

/** A whole-page block a verified driver holds (no header: known from the verifier's lists). */
export interface LargeBlock {
  readonly address: number;
  readonly size: number;
  readonly paged: boolean;
  readonly tag: number;
}

export function largeBlocks(t: DebugTarget): LargeBlock[] {
  const out: LargeBlock[] = [];
  for (const d of t.dump.verifier?.drivers ?? []) {
    for (const a of d.allocations) {
      if (a.kind === 'pool' && a.size > MAX_SMALL_BLOCK && poolRegion(a.address) !== 'Special pool') out.push({ address: a.address, size: a.size, paged: isPagedPool(a.poolType), tag: a.tag });
    }
  }
  return out.sort((x, y) => x.address - y.address);
}

/** Every page the dump holds in the regular pools and in special pool (zero pages hold no block). */
export function poolPages(t: DebugTarget): number[] {
  return t.dump.memory.map(([va]) => va >>> 0).filter((va) => poolRegion(va) !== undefined);
}

/** The kernel's own tags and the verifier's (part of nt on Windows), by value: what kd's pooltag.txt would say of them. */
const KERNEL_TAGS = new Map<number, string>([...Object.entries(TAG), ...Object.entries(VF_TAG).map(([name, tag]) => [`Verifier${name}`, tag] as const)].map(([name, tag]) => [tag, name]));

/** `!pool`'s owner line and `!poolused`'s description of a tag. */
export function tagOwner(tag: number): { description: string; binary: string } | undefined {
  const name = KERNEL_TAGS.get(tag);
  return name ? { description: name, binary: 'nt' } : undefined;
}

export { formatTag, POOL_HEADER_SIZE };
