/**
 * The IRP log of IRP logging (0x400, with I/O verification): the most recent IoAllocateIrp,
 * IoCompleteRequest and IoCancelIrp calls of verified drivers, each with the IRP, the thread and
 * the call stack, read by `!verifier 0x100`. A ring of IRP_LOG_CAPACITY records: the newest
 * overwrites the oldest. (Windows also keeps the last 20 IRPs per device as WMI data for
 * dc2wmiparser; that export is not simulated.)
 */
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

export class IrpLog {
  private readonly ring: IrpLogRecord[] = [];
  private next = 0;
  overwritten = 0;

  constructor(readonly capacity = IRP_LOG_CAPACITY) {}

  add(record: IrpLogRecord): void {
    const r = { ...record, stack: record.stack.slice(0, DEPTH) };
    if (this.ring.length < this.capacity) this.ring.push(r);
    else {
      this.ring[this.next] = r;
      this.overwritten++;
    }
    this.next = (this.next + 1) % this.capacity;
  }

  get length(): number {
    return this.ring.length;
  }

  /** The records, newest first. */
  newestFirst(): IrpLogRecord[] {
    const n = this.ring.length;
    const out: IrpLogRecord[] = [];
    for (let i = 1; i <= n; i++) out.push(this.ring[(this.next - i + n * 2) % n]!);
    return out;
  }
}
