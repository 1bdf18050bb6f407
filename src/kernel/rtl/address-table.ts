/**
 * An insertion-ordered map from a 32-bit address to a record slot, in typed arrays only: the pool's
 * index of live blocks and the verifier's tracked allocations hold millions of entries when a driver
 * exhausts pool with small blocks, and a JS Map of objects costs hundreds of heap bytes per entry
 * (keys above 0x7fffffff are not even small integers). Here an entry costs a hash cell (8 bytes, at a
 * load between 3/8 and 3/4) plus its slot's address and links (12 bytes) plus the subclass's columns.
 *
 * Subclasses keep one typed array per field, indexed by slot, and grow them in `grow`. Iteration
 * follows insertion order, as a Map's does (a deleted and re-inserted address goes last), so output
 * built from it is what the Map gave.
 */
const EMPTY = -1;
const INITIAL_CELLS = 1024;
const INITIAL_SLOTS = 256;

export abstract class AddressTable {
  /** Open addressing, linear probing: cells hold the address and its slot (EMPTY when free). */
  private keys = new Uint32Array(INITIAL_CELLS);
  private cells = new Int32Array(INITIAL_CELLS).fill(EMPTY);
  private mask = INITIAL_CELLS - 1;
  /** Each slot's address, and insertion order as a doubly linked list of slots. */
  private addr = new Uint32Array(INITIAL_SLOTS);
  private prev = new Int32Array(INITIAL_SLOTS);
  private next = new Int32Array(INITIAL_SLOTS);
  private head = EMPTY;
  private tail = EMPTY;
  /** Free slots, chained through `next`; the slots never used yet start at `fresh`. */
  private freeHead = EMPTY;
  private fresh = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** How many slots a subclass's columns start with. */
  protected static readonly INITIAL_SLOTS = INITIAL_SLOTS;

  /** Make every column at least `capacity` slots long, keeping its contents. */
  protected abstract grow(capacity: number): void;

  /** The slot of `address`, or -1. */
  slotOf(address: number): number {
    const a = address >>> 0;
    for (let i = this.home(a); ; i = (i + 1) & this.mask) {
      const s = this.cells[i]!;
      if (s === EMPTY) return EMPTY;
      if (this.keys[i] === a) return s;
    }
  }

  has(address: number): boolean {
    return this.slotOf(address) !== EMPTY;
  }

  /** A slot for `address`, last in iteration order (an existing entry is removed first, as Map.delete + set). */
  insert(address: number): number {
    const a = address >>> 0;
    if ((this.count + 1) * 4 > this.cells.length * 3) this.rehash(this.cells.length * 2);
    // One probe: the chain ends at the empty cell where a new key goes, or finds the key already there.
    let i = this.home(a);
    for (let s = this.cells[i]!; s !== EMPTY; s = this.cells[i]!) {
      if (this.keys[i] === a) {
        this.remove(a);
        return this.insert(a);
      }
      i = (i + 1) & this.mask;
    }
    const slot = this.takeSlot();
    this.keys[i] = a;
    this.cells[i] = slot;
    this.addr[slot] = a;
    this.prev[slot] = this.tail;
    this.next[slot] = EMPTY;
    if (this.tail === EMPTY) this.head = slot;
    else this.next[this.tail] = slot;
    this.tail = slot;
    this.count++;
    return slot;
  }

  /** Remove `address`; its former slot (whose columns still hold the record until reused), or -1. */
  remove(address: number): number {
    const a = address >>> 0;
    let i = this.home(a);
    for (; ; i = (i + 1) & this.mask) {
      const s = this.cells[i]!;
      if (s === EMPTY) return EMPTY;
      if (this.keys[i] === a) break;
    }
    const slot = this.cells[i]!;
    this.deleteCell(i);
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p === EMPTY) this.head = n;
    else this.next[p] = n;
    if (n === EMPTY) this.tail = p;
    else this.prev[n] = p;
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
    this.count--;
    return slot;
  }

  /** Remove every entry, keeping the capacity (a table that is emptied and refilled allocates nothing). */
  clear(): void {
    this.cells.fill(EMPTY);
    this.head = this.tail = this.freeHead = EMPTY;
    this.fresh = 0;
    this.count = 0;
  }

  /** [address, slot] of every entry, in insertion order. Do not insert or remove while iterating. */
  *entries(): Generator<[number, number]> {
    for (let s = this.head; s !== EMPTY; s = this.next[s]!) yield [this.addr[s]!, s];
  }

  /** The address held in `slot`. */
  addressAt(slot: number): number {
    return this.addr[slot]!;
  }

  private takeSlot(): number {
    if (this.freeHead !== EMPTY) {
      const s = this.freeHead;
      this.freeHead = this.next[s]!;
      return s;
    }
    if (this.fresh === this.prev.length) {
      // 1.5x: the columns of millions of slots are most of the cost, and their slack with them.
      const capacity = Math.ceil(this.prev.length * 1.5);
      this.addr = extend(this.addr, capacity);
      this.prev = extend(this.prev, capacity);
      this.next = extend(this.next, capacity);
      this.grow(capacity);
    }
    return this.fresh++;
  }

  private home(a: number): number {
    // Blocks are 8-byte aligned and mostly dense: a >>> 3 puts neighbours in neighbouring cells, so a
    // run of allocations touches the table in order (a scattering hash made an exhaustion run twice as
    // slow in cache misses). The page and 2 MiB numbers folded in spread page-strided blocks (big
    // pool, special pool's one block per two pages); measured mean probe lengths 1.0-3.3 at a load of
    // 3/4 for dense 16- and 24-byte blocks, whole pages, special pool and random addresses.
    return ((a >>> 3) ^ (a >>> 13) ^ (a >>> 21)) & this.mask;
  }

  /** Backward-shift deletion: no tombstones, so lookups stay short after millions of frees. */
  private deleteCell(hole: number): void {
    const mask = this.mask;
    let i = hole;
    for (;;) {
      i = (i + 1) & mask;
      const s = this.cells[i]!;
      if (s === EMPTY) break;
      const home = this.home(this.keys[i]!);
      // The entry at i may fill the hole if its home is not in (hole, i] (cyclically).
      if ((i > hole && (home <= hole || home > i)) || (i < hole && home <= hole && home > i)) {
        this.keys[hole] = this.keys[i]!;
        this.cells[hole] = s;
        hole = i;
      }
    }
    this.cells[hole] = EMPTY;
  }

  private rehash(cellCount: number): void {
    const oldKeys = this.keys;
    const oldCells = this.cells;
    this.keys = new Uint32Array(cellCount);
    this.cells = new Int32Array(cellCount).fill(EMPTY);
    this.mask = cellCount - 1;
    for (let j = 0; j < oldCells.length; j++) {
      const s = oldCells[j]!;
      if (s === EMPTY) continue;
      let i = this.home(oldKeys[j]!);
      while (this.cells[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = oldKeys[j]!;
      this.cells[i] = s;
    }
  }
}

/** A copy of `a`, `length` long. */
export function extend<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** A set of addresses: the table without columns. */
export class AddressSet extends AddressTable {
  protected grow(): void {}
}
