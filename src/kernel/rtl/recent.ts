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
