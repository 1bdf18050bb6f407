/**
 * Executive pool: nonpaged, paged and session pool on the simulated address space.
 *
 * Small blocks (up to a page less the header) carry an 8-byte x86 POOL_HEADER in simulated memory
 * (PreviousSize:9 PoolIndex:7 BlockSize:9 PoolType:7, then the tag); PoolType is 0 in a free block,
 * which is how a double free is seen. Larger requests take whole pages and no header, as big pool
 * does. The allocator's own index of live blocks is host-side (like NT's big page table), in typed
 * arrays: a driver that exhausts pool with small blocks leaves millions of them.
 *
 * Each pool has a commit limit (physical-memory.ts): when taking another page would pass it, the
 * allocation returns NULL, as ExAllocatePool* does on Windows. A few pages of nonpaged pool are held
 * back for the kernel's own must-succeed allocations (an IRQL slot for a driver's lock callback, a
 * verifier structure), as Windows keeps reserves for what it cannot fail: drivers never get them.
 *
 * Without the verifier this enforces only what Windows does: BAD_POOL_CALLER (0xC2) for frees the
 * pool itself can recognise as wrong.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { poolKind, type PoolKind, type PoolType } from '../../nt/pool.ts';
import { AddressSpace, PAGE_SIZE, PageKind, VaRegion, VA_MAP } from '../mm/address-space.ts';
import { SHADOW } from '../mm/shadow.ts';
import { DEFAULT_MEMORY, poolLimits } from '../mm/physical-memory.ts';
import { SpecialPool } from '../mm/special-pool.ts';
import { AddressTable, extend } from '../rtl/address-table.ts';

export const POOL_HEADER_SIZE = 8;
const GRANULE = 8;
/** The largest request a small block (with a POOL_HEADER) takes; larger ones get whole pages. */
export const MAX_SMALL_BLOCK = PAGE_SIZE - POOL_HEADER_SIZE;
/** Freed small blocks held back from reuse, per pool (our number; NT keeps 32 pending frees per pool descriptor). */
const PENDING_FREES = 256;
/** Nonpaged pages only the kernel's must-succeed allocations may take (our number: 64 KiB). */
export const KERNEL_RESERVE_PAGES = 16;

export interface PoolBlock {
  readonly address: number;
  readonly size: number;
  readonly tag: number;
  readonly type: PoolType;
  readonly special: boolean;
}

export type BugCheckFn = (code: number, p1: number, p2: number, p3: number, p4: number) => never;

class PoolArea {
  /** Exact-size free lists of small blocks, by granule count (FIFO: a freed block is reused last). */
  private readonly freeLists = new Map<number, FifoU32>();
  private bumpPage = 0;
  private bumpOffset = PAGE_SIZE;
  /** Pages taken, against the commit limit. */
  committedPages = 0;
  constructor(
    readonly region: VaRegion,
    readonly pageKind: PageKind,
    readonly limitPages: number,
    private readonly reservePages = 0,
  ) {}

  /** Pages from the region, within the commit limit (plus the reserve, for the kernel's must-succeed requests). */
  takePages(pages: number, mustSucceed = false): number | undefined {
    if (this.committedPages + pages > this.limitPages + (mustSucceed ? this.reservePages : 0)) return undefined;
    const va = this.region.allocatePages(pages);
    if (va !== undefined) this.committedPages += pages;
    return va;
  }

  returnPages(va: number, pages: number): void {
    this.region.freePages(va, pages);
    this.committedPages -= pages;
  }

  takeSmall(granules: number, as: AddressSpace, mustSucceed: boolean): number | undefined {
    const list = this.freeLists.get(granules);
    if (list && list.length > 0) return list.shift();
    const bytes = granules * GRANULE;
    if (this.bumpOffset + bytes > PAGE_SIZE) {
      const page = this.takePages(1, mustSucceed);
      // Out of pages: the pending frees are free memory too; hand them back and look again.
      if (page === undefined && this.pending.length > 0) {
        this.flushPending();
        return this.takeSmall(granules, as, mustSucceed);
      }
      if (page === undefined) return undefined;
      as.setPages(page, 1, this.pageKind);
      as.zero(page, PAGE_SIZE);
      // Until a block is carved from it, a pool page belongs to no one.
      as.shadow.poison(page, PAGE_SIZE, SHADOW.poolHeader);
      this.bumpPage = page;
      this.bumpOffset = 0;
    }
    const header = this.bumpPage + this.bumpOffset;
    this.bumpOffset += bytes;
    return header;
  }

  /**
   * A freed small block waits among the pending frees before its free list gets it (NT defers frees
   * the same way): for the PENDING_FREES most recent frees, a touch of the block is a use after free
   * the shadow still shows (0xFD), however busy the pool is with blocks of the same size.
   */
  returnSmall(header: number, granules: number): void {
    this.pending.push(header);
    this.pending.push(granules);
    if (this.pending.length > 2 * PENDING_FREES) this.release(this.pending.shift(), this.pending.shift());
  }

  private readonly pending = new FifoU32();

  private flushPending(): void {
    while (this.pending.length > 0) this.release(this.pending.shift(), this.pending.shift());
  }

  private release(header: number, granules: number): void {
    let list = this.freeLists.get(granules);
    if (!list) this.freeLists.set(granules, (list = new FifoU32()));
    list.push(header);
  }
}

/** A FIFO of 32-bit addresses in a growing ring (a free list can hold millions after a mass free). */
class FifoU32 {
  private ring = new Uint32Array(64);
  private head = 0;
  length = 0;

  push(v: number): void {
    if (this.length === this.ring.length) {
      const bigger = new Uint32Array(this.ring.length * 2);
      for (let i = 0; i < this.length; i++) bigger[i] = this.ring[(this.head + i) % this.ring.length]!;
      this.ring = bigger;
      this.head = 0;
    }
    this.ring[(this.head + this.length) % this.ring.length] = v;
    this.length++;
  }

  shift(): number {
    const v = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.length--;
    return v;
  }
}

/** The live blocks: address -> size, tag, pool type, special (11 bytes of columns a block). */
class PoolIndex extends AddressTable {
  size32 = new Uint32Array(AddressTable.INITIAL_SLOTS);
  tag = new Uint32Array(AddressTable.INITIAL_SLOTS);
  type = new Uint16Array(AddressTable.INITIAL_SLOTS);
  special = new Uint8Array(AddressTable.INITIAL_SLOTS);

  protected grow(capacity: number): void {
    this.size32 = extend(this.size32, capacity);
    this.tag = extend(this.tag, capacity);
    this.type = extend(this.type, capacity);
    this.special = extend(this.special, capacity);
  }

  add(b: PoolBlock): void {
    const s = this.insert(b.address);
    this.size32[s] = b.size;
    this.tag[s] = b.tag;
    this.type[s] = b.type;
    this.special[s] = b.special ? 1 : 0;
  }

  at(slot: number): PoolBlock {
    return { address: this.addressAt(slot), size: this.size32[slot]!, tag: this.tag[slot]!, type: this.type[slot]!, special: this.special[slot] === 1 };
  }

  get(address: number): PoolBlock | undefined {
    const s = this.slotOf(address);
    return s < 0 ? undefined : this.at(s);
  }
}

/**
 * Blocks freed recently, as RecentMap keeps them (two generations of at most `capacity`; a full young
 * one retires the old one whole) but in PoolIndex columns: a record object per free lived long enough
 * to be promoted, and the old generation's collection of them was a large part of the GC's time.
 */
class RecentBlocks {
  private young = new PoolIndex();
  private old = new PoolIndex();
  constructor(private readonly capacity: number) {}

  set(b: PoolBlock): void {
    if (this.young.size >= this.capacity) {
      const emptied = this.old;
      emptied.clear();
      this.old = this.young;
      this.young = emptied;
    }
    this.young.add(b);
  }

  get(address: number): PoolBlock | undefined {
    return this.young.get(address) ?? this.old.get(address);
  }

  delete(address: number): void {
    this.young.remove(address);
    this.old.remove(address);
  }
}

export class ExPool {
  private readonly areas: Record<PoolKind, PoolArea>;
  private readonly live = new PoolIndex();
  /** Blocks freed recently, to tell a double free from a wild free (bounded). */
  private readonly recentlyFreed = new RecentBlocks(4096);

  /**
   * Requests still to be refused as if the pool were exhausted (the kernel's own must-succeed ones
   * excepted): how low resources simulation makes a DDI take its real failure path (NULL or a raise).
   */
  refusals = 0;

  /** `memory`: the machine's physical memory in bytes, from which the pools' commit limits follow. */
  constructor(
    private readonly as: AddressSpace,
    readonly special: SpecialPool,
    private readonly bugCheck: BugCheckFn,
    memory = DEFAULT_MEMORY,
  ) {
    const limits = poolLimits(memory);
    const area = (name: string, r: { start: number; end: number }, kind: PageKind, limit: number, reserve = 0) =>
      new PoolArea(new VaRegion(name, r.start, r.end), kind, Math.min(limit / PAGE_SIZE, (r.end - r.start) / PAGE_SIZE - reserve), reserve);
    this.areas = {
      nonpaged: area('NonPagedPool', VA_MAP.nonPagedPool, PageKind.Pool, limits.nonPaged, KERNEL_RESERVE_PAGES),
      paged: area('PagedPool', VA_MAP.pagedPool, PageKind.PagedPool, limits.paged),
      session: area('SessionPool', VA_MAP.session, PageKind.SessionPool, limits.session),
    };
  }

  /** Bytes of pages a pool has taken, against its commit limit. */
  committedBytes(kind: PoolKind): number {
    return this.areas[kind].committedPages * PAGE_SIZE;
  }

  /**
   * Allocate; 0 when the pool is exhausted. The block is zeroed (the simulator's choice: deterministic).
   * `mustSucceed`: the kernel's own request, which may draw on the reserve.
   */
  allocate(type: PoolType, size: number, tag: number, mustSucceed = false): number {
    if (this.refusals > 0 && !mustSucceed) {
      this.refusals--;
      return 0;
    }
    const area = this.areas[poolKind(type)];
    let address: number;
    if (size <= MAX_SMALL_BLOCK) {
      const granules = Math.ceil((size + POOL_HEADER_SIZE) / GRANULE);
      const header = area.takeSmall(granules, this.as, mustSucceed);
      if (header === undefined) return 0;
      this.writeHeader(header, granules, type, tag);
      address = header + POOL_HEADER_SIZE;
      this.as.zero(address, granules * GRANULE - POOL_HEADER_SIZE);
      // The header stays poisoned (pool that no block owns); the block's bytes, and only they, open.
      this.as.shadow.unpoison(address, size);
    } else {
      const pages = Math.ceil(size / PAGE_SIZE);
      const va = area.takePages(pages, mustSucceed);
      if (va === undefined) return 0;
      this.as.setPages(va, pages, area.pageKind);
      this.as.zero(va, pages * PAGE_SIZE);
      address = va;
      // The pages' tail after the block is slack no one owns.
      this.as.shadow.unpoison(va, size);
      const slack = Math.ceil(size / GRANULE) * GRANULE;
      this.as.shadow.poison(va + slack, pages * PAGE_SIZE - slack, SHADOW.poolSlack);
    }
    this.live.add({ address, size, tag, type, special: false });
    this.recentlyFreed.delete(address);
    return address;
  }

  /** Place a block in special pool (against a guard page). 0 when special pool is exhausted. */
  allocateSpecial(type: PoolType, size: number, tag: number): number {
    const address = this.special.allocate(type, size, tag);
    if (address === 0) return 0;
    this.live.add({ address, size, tag, type, special: true });
    this.recentlyFreed.delete(address);
    return address;
  }

  /** ExFreePoolWithTag's work. `tag` 0 means "do not check the tag" (ExFreePool). */
  free(address: number, tag: number): PoolBlock {
    const block = this.live.get(address >>> 0);
    if (!block) {
      const freed = this.recentlyFreed.get(address);
      if (freed) {
        // BAD_POOL_CALLER 0x07: the block was already freed. P3 = pool header contents, P4 = address.
        // Big pool and special pool blocks have no header: the word before them belongs to another page.
        const header = freed.special || freed.size > MAX_SMALL_BLOCK ? 0 : this.as.u32(address - POOL_HEADER_SIZE);
        this.bugCheck(BUGCHECK.BAD_POOL_CALLER, 0x07, 0, header, address);
      }
      // 0x46: an address that is not in any pool block.
      this.bugCheck(BUGCHECK.BAD_POOL_CALLER, 0x46, address, 0, 0);
    }
    if (tag !== 0 && (tag & 0x7fffffff) !== (block.tag & 0x7fffffff)) {
      this.bugCheck(BUGCHECK.BAD_POOL_CALLER, 0x0a, address, block.tag, tag);
    }
    this.live.remove(block.address);
    this.remember(block);
    if (block.special) {
      this.special.free(block.address);
    } else if (block.size <= MAX_SMALL_BLOCK) {
      const header = block.address - POOL_HEADER_SIZE;
      const granules = (this.as.u32(header) >>> 16) & 0x1ff;
      this.as.setU32(header, this.as.u32(header) & 0x01ffffff); // PoolType 0: free
      this.as.shadow.poison(block.address, (granules - 1) * GRANULE, SHADOW.poolFreed);
      this.areas[poolKind(block.type)].returnSmall(header, granules);
    } else {
      const pages = Math.ceil(block.size / PAGE_SIZE);
      const area = this.areas[poolKind(block.type)];
      this.as.setPages(block.address, pages, PageKind.NoAccess);
      area.returnPages(block.address, pages);
    }
    return block;
  }

  /** A block freed recently that started at `address` (to tell a double free from a wild one). */
  recentlyFreedBlock(address: number): PoolBlock | undefined {
    return this.recentlyFreed.get(address);
  }

  /** True if `address` lies in one of the pools (nonpaged, paged, session or special pool). */
  isPoolAddress(address: number): boolean {
    const a = address >>> 0;
    return this.special.isSpecialPoolAddress(a) || Object.values(this.areas).some((area) => area.region.contains(a));
  }

  /** True for a block with a POOL_HEADER of its own in front of it (small blocks of the regular pools). */
  hasPoolHeader(block: PoolBlock): boolean {
    return !block.special && block.size <= MAX_SMALL_BLOCK;
  }

  /** The live block that starts at `address`, if any. */
  block(address: number): PoolBlock | undefined {
    return this.live.get(address >>> 0);
  }

  /** The live block containing `address` (for `!pool`). Linear: a debugger path, not a hot one. */
  blockContaining(address: number): PoolBlock | undefined {
    const a = address >>> 0;
    const exact = this.live.get(a);
    if (exact) return exact;
    for (const [address, slot] of this.live.entries()) if (a >= address && a < address + Math.max(this.live.size32[slot]!, 1)) return this.live.at(slot);
    return undefined;
  }

  *liveBlocks(): Generator<PoolBlock> {
    for (const [, slot] of this.live.entries()) yield this.live.at(slot);
  }

  private writeHeader(header: number, granules: number, type: PoolType, tag: number): void {
    // PreviousSize and PoolIndex are left 0; BlockSize in granules; PoolType + 1 marks "allocated".
    const word = (granules & 0x1ff) << 16 | (((type & 0x7f) + 1) & 0x7f) << 25;
    this.as.setU32(header, word >>> 0);
    this.as.setU32(header + 4, tag);
  }

  private remember(block: PoolBlock): void {
    this.recentlyFreed.set(block);
  }
}
