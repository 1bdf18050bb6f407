/**
 * The kernel pool Allocate/Free log read by `!verifier 0x80`: a ring of the most recent 0x10000
 * operations of verified drivers, each with block address, size, thread and stack. Fixed capacity,
 * preallocated columns; the oldest record is overwritten. Stacks are kept once in the depot.
 */
import { StackDepot } from './stack-depot.ts';

export const ALLOCATION_LOG_CAPACITY = 0x10000;

export interface LogRecord {
  readonly kind: 'alloc' | 'free';
  readonly address: number;
  readonly size: number;
  readonly thread: number;
  readonly stack: readonly number[];
}

export class AllocationLog {
  private readonly address: Uint32Array;
  private readonly size: Uint32Array;
  private readonly thread: Uint32Array;
  private readonly isFree: Uint8Array;
  private readonly stack: Uint32Array;
  /** Total records ever written; the ring holds the last `capacity` of them. */
  private written = 0;

  constructor(
    readonly capacity = ALLOCATION_LOG_CAPACITY,
    private readonly depot = new StackDepot(),
  ) {
    this.address = new Uint32Array(capacity);
    this.size = new Uint32Array(capacity);
    this.thread = new Uint32Array(capacity);
    this.isFree = new Uint8Array(capacity);
    this.stack = new Uint32Array(capacity);
  }

  add(kind: LogRecord['kind'], address: number, size: number, thread: number, stack: readonly number[]): void {
    this.addInterned(kind, address, size, thread, this.depot.intern(stack));
  }

  /** add() with the stack already in the depot, as its id. */
  addInterned(kind: LogRecord['kind'], address: number, size: number, thread: number, stack: number): void {
    const i = this.written % this.capacity;
    this.address[i] = address;
    this.size[i] = size;
    this.thread[i] = thread;
    this.isFree[i] = kind === 'free' ? 1 : 0;
    this.stack[i] = stack;
    this.written++;
  }

  get length(): number {
    return Math.min(this.written, this.capacity);
  }

  get overwritten(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /**
   * Every record newest first, as plain objects for a dump: one loop over the columns, each stack the
   * depot's own frozen copy (shared, never changed), not a generator's record spread and copied.
   */
  snapshot(): LogRecord[] {
    const out: LogRecord[] = new Array(this.length);
    for (let n = 0; n < out.length; n++) {
      const i = (this.written - 1 - n) % this.capacity;
      out[n] = { kind: this.isFree[i] ? 'free' : 'alloc', address: this.address[i]!, size: this.size[i]!, thread: this.thread[i]!, stack: this.depot.get(this.stack[i]!) };
    }
    return out;
  }

  /** Records newest first. */
  *newestFirst(): Generator<LogRecord> {
    for (let n = 0; n < this.length; n++) {
      const i = (this.written - 1 - n) % this.capacity;
      yield {
        kind: this.isFree[i] ? 'free' : 'alloc',
        address: this.address[i]!,
        size: this.size[i]!,
        thread: this.thread[i]!,
        stack: this.depot.get(this.stack[i]!),
      };
    }
  }
}
