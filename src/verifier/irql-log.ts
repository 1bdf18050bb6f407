/**
 * Force IRQL checking's IRQL transition log, read by `!verifier 8`: a ring of the last 0x100 IRQL
 * changes verified drivers made (KeRaiseIrql, KeLowerIrql, spin lock acquire and release), each with
 * the thread, the IRQL before and after, the processor, the tick count and the driver's stack.
 */
export const IRQL_LOG_CAPACITY = 0x100;
/** Frames kept per record, as Windows keeps them. */
export const IRQL_LOG_DEPTH = 5;

export interface IrqlTransition {
  readonly thread: number;
  readonly oldIrql: number;
  readonly newIrql: number;
  readonly processor: number;
  readonly timeStamp: number;
  readonly stack: readonly number[];
}

export class IrqlLog {
  private readonly ring: IrqlTransition[] = [];
  /** Total records ever written; the ring holds the last `capacity` of them. */
  private written = 0;

  constructor(readonly capacity = IRQL_LOG_CAPACITY) {}

  add(t: IrqlTransition): void {
    this.ring[this.written % this.capacity] = { ...t, stack: t.stack.slice(0, IRQL_LOG_DEPTH) };
    this.written++;
  }

  get length(): number {
    return Math.min(this.written, this.capacity);
  }

  /** Records newest first. */
  *newestFirst(): Generator<IrqlTransition> {
    for (let n = 0; n < this.length; n++) yield this.ring[(this.written - 1 - n) % this.capacity]!;
  }
}
