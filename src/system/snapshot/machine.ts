/**
 * A machine snapshot: the machine as it stands (booted, its driver loaded and started), put back as
 * often as wanted. It is the JS object graph of the machine restored in place (graph.ts: the kernel,
 * the loader, the verifier, their side tables and the wasm globals) and the pages of its memory that
 * can change (memory.ts). A restored machine behaves byte for byte as a fresh one that ran the same
 * steps (test/fuzz/Snapshot.test.ts runs random inputs both ways and compares the verdicts, coverage,
 * dumps and the whole memory).
 *
 * The recorder must exist before the machine is built: the machine's side tables are made as it boots.
 * A machine is snapshotted once; restores are in-place, so no other code may keep using the machine
 * across a restore expecting its state to survive.
 */
import type { Machine } from '../machine.ts';
import { VA_MAP } from '../../kernel/mm/address-space.ts';
import { COMPARISON_ENTRY_SIZE, COMPARISON_RING_ENTRIES, COMPARISON_RING_HEADER } from '../../loader/wasm/rewrite.ts';
import { GraphRecorder, GraphSnapshot } from './graph.ts';
import { MemorySnapshot, type WritableRange } from './memory.ts';

export { GraphRecorder };

export class MachineSnapshot {
  private readonly graph: GraphSnapshot;
  private readonly memory: MemorySnapshot;

  /** `roots`: objects of the caller's that hold machine state too (the loaded image, its device node). */
  constructor(readonly machine: Machine, private readonly recorder: GraphRecorder, roots: readonly object[] = []) {
    const as = machine.kernel.as;
    this.memory = new MemorySnapshot(as, writableRanges(machine));
    this.graph = new GraphSnapshot([machine, ...roots], recorder, { external: [as.memory.buffer] });
  }

  /** Objects and pages the snapshot holds. */
  get size(): { readonly objects: number; readonly pages: number } {
    return { objects: this.graph.objects, pages: this.memory.pages };
  }

  /** The machine as it was at the snapshot. */
  restore(): void {
    this.graph.restore();
    this.memory.restore();
  }

  /** The machine is being dropped: stop noting its writes. */
  dispose(): void {
    this.memory.detach();
    this.recorder.stop();
  }
}

/** The kernel memory that wasm probes write outside the page table's mapped pages. */
function writableRanges(machine: Machine): WritableRange[] {
  const ranges: WritableRange[] = [
    { start: VA_MAP.wasmCallSites.start, length: VA_MAP.wasmCallSites.end - VA_MAP.wasmCallSites.start },
    { start: VA_MAP.accessScratch.start, length: VA_MAP.accessScratch.end - VA_MAP.accessScratch.start },
  ];
  const coverage = machine.loader.coverage;
  for (const image of coverage?.images ?? []) ranges.push({ start: image.counters, length: 4 * image.sites.length });
  for (const ring of coverage?.rings ?? []) ranges.push({ start: ring.base, length: COMPARISON_RING_HEADER + COMPARISON_ENTRY_SIZE * COMPARISON_RING_ENTRIES });
  return ranges;
}
