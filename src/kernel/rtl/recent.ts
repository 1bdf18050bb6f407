/**
 * A bounded "seen recently" map: two generations of at most `capacity` entries each. Adding to a
 * full young generation retires the old one whole, so every operation is O(1) (a Map used as a FIFO
 * is not: deleting from its head leaves holes the next deletion must skip).
 */
export class RecentMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  set(key: K, value: V): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get(key: K): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }
}

/**
 * RecentMap's generations for a set of 32-bit addresses, in typed arrays: no Map per generation to
 * grow and collect (the verifier remembers every free). Same answers as RecentMap<number, true>: a
 * generation holds at most `capacity` distinct addresses; adding a new one to a full young generation
 * retires the old generation whole.
 */
export class RecentAddresses {
  private young: AddressSet;
  private old: AddressSet;
  constructor(private readonly capacity: number) {
    this.young = new AddressSet(capacity);
    this.old = new AddressSet(capacity);
  }

  add(address: number): void {
    const a = address >>> 0;
    // As RecentMap.set: a full young generation retires the old one even when `a` is already in it.
    if (this.young.size >= this.capacity) {
      const retired = this.old;
      retired.clear();
      this.old = this.young;
      this.young = retired;
    }
    if (!this.young.has(a)) this.young.add(a);
  }

  has(address: number): boolean {
    const a = address >>> 0;
    return this.young.has(a) || this.old.has(a);
  }
}

/** An insert-only set of at most `capacity` u32 addresses: open addressing, at most half full. */
class AddressSet {
  private readonly keys: Uint32Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  /** 32 less log2(cells): the hash is the product's top bits (its low bits are the address's low bits, alike in page-aligned blocks). */
  private readonly shift: number;
  size = 0;

  constructor(capacity: number) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.keys = new Uint32Array(1 << bits);
    this.used = new Uint8Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  private cell(a: number): number {
    let i = Math.imul(a, 0x9e3779b1) >>> this.shift;
    while (this.used[i] === 1 && this.keys[i] !== a) i = (i + 1) & this.mask;
    return i;
  }

  has(a: number): boolean {
    return this.used[this.cell(a)] === 1;
  }

  /** Add `a` (not already present; fewer than `capacity` held). */
  add(a: number): void {
    const i = this.cell(a);
    this.keys[i] = a;
    this.used[i] = 1;
    this.size++;
  }

  clear(): void {
    this.used.fill(0);
    this.size = 0;
  }
}
