/**
 * Which coverage the fuzzer has seen: for each basic block, the classes of how often one input ran it
 * (AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+), so an input that runs a loop
 * more times counts as new, as one that reaches a new block does.
 */
export class CoverageMap {
  private seen = new Uint8Array(0);

  /** Blocks any input ran. */
  get hit(): number {
    let n = 0;
    for (const c of this.seen) if (c !== 0) n++;
    return n;
  }

  /** The hit-count classes seen, a byte per block (read only: --jobs sends them to the parent). */
  get bits(): Uint8Array {
    return this.seen;
  }

  /** Add another map's classes (the parent of a --jobs run sums its machines' coverage). */
  merge(bits: Uint8Array): void {
    if (this.seen.length < bits.length) {
      const grown = new Uint8Array(bits.length);
      grown.set(this.seen);
      this.seen = grown;
    }
    for (let i = 0; i < bits.length; i++) this.seen[i]! |= bits[i]!;
  }

  /** Record one input's counts (after minus before, per block); true if it ran anything new. */
  record(before: Uint32Array, after: Uint32Array): boolean {
    if (this.seen.length < after.length) {
      const grown = new Uint8Array(after.length);
      grown.set(this.seen);
      this.seen = grown;
    }
    let novel = false;
    for (let i = 0; i < after.length; i++) {
      const d = (after[i]! - (before[i] ?? 0)) >>> 0;
      if (d === 0) continue;
      const bit = hitClass(d);
      if ((this.seen[i]! & bit) === 0) {
        this.seen[i]! |= bit;
        novel = true;
      }
    }
    return novel;
  }
}

function hitClass(n: number): number {
  if (n <= 3) return 1 << (n - 1);
  if (n <= 7) return 8;
  if (n <= 15) return 16;
  if (n <= 31) return 32;
  if (n <= 127) return 64;
  return 128;
}
