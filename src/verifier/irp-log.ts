/**
 * The IRP log of IRP logging (0x400, with I/O verification): the most recent IoAllocateIrp,
 * IoCompleteRequest and IoCancelIrp calls of verified drivers, each with the IRP, the thread and
 * the call stack, read by `!verifier 0x100`. A ring of IRP_LOG_CAPACITY records: the newest
 * overwrites the oldest. (Windows also keeps the last 20 IRPs per device as WMI data for
 * dc2wmiparser; that export is not simulated.)
 */
import { RecordRing } from './record-ring.ts';

export const IRP_LOG_CAPACITY = 0x100;
/** Frames kept per record. */
const DEPTH = 8;

export type IrpLogOperation = 'IoAllocateIrp' | 'IoCompleteRequest' | 'IoCancelIrp';

export interface IrpLogRecord {
  readonly operation: IrpLogOperation;
  readonly irp: number;
  readonly thread: number;
  /** IoStatus.Status at IoCompleteRequest; 0 otherwise. */
  readonly status: number;
  readonly stack: readonly number[];
}

export class IrpLog extends RecordRing<IrpLogRecord> {
  constructor(capacity = IRP_LOG_CAPACITY) {
    super(capacity);
  }

  override add(record: IrpLogRecord): void {
    super.add({ ...record, stack: record.stack.slice(0, DEPTH) });
  }
}
