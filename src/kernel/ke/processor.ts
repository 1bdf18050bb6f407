/**
 * Processors and IRQL. The kernel path (no verifier) does what Windows does without checks: it
 * trusts the caller. Lowering IRQL below DISPATCH_LEVEL delivers queued DPCs, as the software
 * interrupt would.
 */
import { DISPATCH_LEVEL, PASSIVE_LEVEL, type KIRQL } from '../../nt/irql.ts';

export class Processor {
  private level: KIRQL = PASSIVE_LEVEL;
  /** Told each change of IRQL (mm trims pageable memory at DISPATCH_LEVEL under Force IRQL checking). */
  onIrqlChange?: (irql: KIRQL) => void;

  get irql(): KIRQL {
    return this.level;
  }

  set irql(irql: KIRQL) {
    if (irql === this.level) return;
    this.level = irql;
    this.onIrqlChange?.(irql);
  }
  /** Queued KDPC addresses, in delivery order. */
  readonly dpcQueue: number[] = [];
  /** True while a DPC routine runs on this processor. */
  dpcActive = false;
  /** The processor's DPC stack: [limit, base). */
  dpcStackBase = 0;
  dpcStackLimit = 0;
  constructor(readonly number: number) {}
}

export function isAtOrAboveDispatch(irql: KIRQL): boolean {
  return irql >= DISPATCH_LEVEL;
}
