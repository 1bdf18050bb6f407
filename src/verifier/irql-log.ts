/**
 * Force IRQL checking's IRQL transition log, read by `!verifier 8`: a ring of the last 0x100 IRQL
 * changes verified drivers made (KeRaiseIrql, KeLowerIrql, spin lock acquire and release), each with
 * the thread, the IRQL before and after, the processor, the tick count and the driver's stack.
 */
import { RecordRing } from './record-ring.ts';

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

export class IrqlLog extends RecordRing<IrqlTransition> {
  constructor(capacity = IRQL_LOG_CAPACITY) {
    super(capacity);
  }

  override add(t: IrqlTransition): void {
    super.add({ ...t, stack: t.stack.slice(0, IRQL_LOG_DEPTH) });
  }
}
