/**
 * A ring of the last `capacity` records, read newest first: the verifier's logs that keep whole records
 * (the IRP log, the IRQL transition log). The pool log keeps columns instead (alloc-log.ts), for its 0x10000.
 */
export class RecordRing<T> {
  private readonly ring: T[] = [];
  /** Total records ever written; the ring holds the last `capacity` of them. */
  private written = 0;

  constructor(readonly capacity: number) {}

  add(record: T): void {
    this.ring[this.written % this.capacity] = record;
    this.written++;
  }

  get length(): number {
    return Math.min(this.written, this.capacity);
  }

  /** Records the ring no longer holds. */
  get overwritten(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** The records, newest first. */
  newestFirst(): T[] {
    const out: T[] = [];
    for (let n = 0; n < this.length; n++) out.push(this.ring[(this.written - 1 - n) % this.capacity]!);
    return out;
  }
}
