/**
 * Equal-size slots handed out lowest first: what a first-fit VaRegion gives when every request is
 * the same size (special pool's block page and guard page), without its sorted list of free runs
 * (a tuple per run, a splice per free). The free slots below the never-used tail are a binary
 * min-heap in a typed array; the lowest free slot is the heap's top, or the tail.
 */
export class SlotAllocator {
  private heap = new Uint32Array(64);
  private count = 0;
  /** The first slot never handed out. */
  private next = 0;

  constructor(readonly slots: number) {}

  /** The lowest free slot, or -1 when all are taken. */
  allocate(): number {
    if (this.count === 0) return this.next < this.slots ? this.next++ : -1;
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.count]!;
    // Sift the last slot down from the root.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.count) break;
      const c = l + 1 < this.count && h[l + 1]! < h[l]! ? l + 1 : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }

  /** Give `slot` back (it must be taken). */
  free(slot: number): void {
    if (this.count === this.heap.length) {
      const bigger = new Uint32Array(this.heap.length * 2);
      bigger.set(this.heap);
      this.heap = bigger;
    }
    const h = this.heap;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= slot) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = slot;
  }

  /** Slots free now (below the tail and in it). */
  get available(): number {
    return this.count + this.slots - this.next;
  }
}
