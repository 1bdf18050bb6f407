/**
 * The hardware abstraction layer of the simulated machine: its device memory and ports (io-space.ts),
 * interrupt objects (interrupts.ts) and DMA adapters (dma.ts). Tests and scenarios declare devices here
 * (k.hal.io.registers.add, k.hal.io.ports.add, k.hal.interrupts.lines) and raise their interrupt lines
 * (k.hal.raiseInterrupt); drivers reach them through the DDIs.
 */
import type { Kernel } from '../kernel.ts';
import { Dma } from './dma.ts';
import { Interrupts } from './interrupts.ts';
import { IoSpace } from './io-space.ts';

export class Hal {
  readonly io: IoSpace;
  readonly interrupts: Interrupts;
  readonly dma: Dma;

  constructor(k: Kernel) {
    this.io = new IoSpace(k);
    this.interrupts = new Interrupts(k);
    this.dma = new Dma(k);
  }

  /** A device asserts the interrupt line of `vector`: its ISRs run (now, or once the IRQL allows). */
  raiseInterrupt(vector: number): void {
    this.interrupts.raise(vector);
  }
}
