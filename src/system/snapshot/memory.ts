/**
 * A snapshot of the machine's 4 GiB memory, by the pages that can change. Copying or comparing the
 * whole space is out of the question (a booted SampleIo machine has about 30 pages in use). Which
 * pages can change after the snapshot:
 * - the pages the page table maps (driver code's checked stores reach only those; the kernel writes
 *   through them), and every page the page table changes after the snapshot (AddressSpace.onSetPages:
 *   a pool page, a stack, a user buffer mapped and perhaps unmapped again within one input);
 * - the shadow bytes of all of those (mm's shadow, its trimmed copy under Force IRQL checking, and the
 *   KASAN shadow of `--kasan` images): a byte for each 8 bytes, so one shadow page covers eight;
 * - the kernel's own regions that wasm probes write: the coverage counters and comparison rings,
 *   the call-site ring, and the scratch a deferred access violation writes to.
 * The restore compares each of those pages with its saved copy (zeros for a page not saved) and copies
 * back the ones that differ. The equivalence test (test/fuzz/Snapshot.test.ts) compares the whole 4 GiB
 * of a restored machine with a fresh one's, so a writer this list misses is found there.
 */
import type { AddressSpace } from '../../kernel/mm/address-space.ts';
import { PAGE_SHIFT, PAGE_SIZE, VA_MAP } from '../../kernel/mm/address-space.ts';
import { SHADOW_SCALE } from '../../kernel/mm/shadow.ts';

const SHADOW_BASES = [VA_MAP.shadow.start, VA_MAP.trimmedShadow.start, VA_MAP.kasanShadow.start];

/** A range of the address space (bytes) the kernel or driver probes write outside the page table. */
export interface WritableRange {
  readonly start: number;
  readonly length: number;
}

export class MemorySnapshot {
  /** Saved pages, by page number: a copy of each at the snapshot. */
  private readonly saved = new Map<number, Uint8Array>();
  /** Pages whose mapping changed since the snapshot (with their shadow pages). */
  private readonly touched = new Set<number>();
  private readonly bytes: Uint8Array;
  private readonly whole: Buffer;
  private readonly zero = new Uint8Array(PAGE_SIZE);

  constructor(private readonly as: AddressSpace, fixed: readonly WritableRange[]) {
    this.bytes = new Uint8Array(as.memory.buffer);
    this.whole = Buffer.from(as.memory.buffer);
    const pages = new Set<number>();
    for (let p = 0; p < as.pages.length; p++) if (as.pages[p] !== 0) addWithShadow(pages, p, 1);
    for (const r of fixed) addRange(pages, r.start, r.length);
    for (const p of [...pages].sort((a, b) => a - b)) this.saved.set(p, this.page(p).slice());
    as.onSetPages = (first, count) => addWithShadow(this.touched, first, count);
  }

  /** How many pages the snapshot holds. */
  get pages(): number {
    return this.saved.size;
  }

  restore(): number {
    let copied = 0;
    for (const [p, copy] of this.saved) if (this.differs(p, copy)) (this.page(p).set(copy), copied++);
    for (const p of this.touched) {
      if (this.saved.has(p)) continue;
      if (this.differs(p, this.zero)) (this.page(p).fill(0), copied++);
    }
    this.touched.clear();
    return copied;
  }

  /** Stop watching the page table (the machine is being dropped). */
  detach(): void {
    this.as.onSetPages = undefined;
  }

  private page(p: number): Uint8Array {
    const at = p * PAGE_SIZE;
    return this.bytes.subarray(at, at + PAGE_SIZE);
  }

  private differs(p: number, copy: Uint8Array): boolean {
    const at = p * PAGE_SIZE;
    return this.whole.compare(copy, 0, PAGE_SIZE, at, at + PAGE_SIZE) !== 0;
  }
}

function addRange(into: Set<number>, start: number, length: number): void {
  const first = (start >>> 0) >>> PAGE_SHIFT;
  const last = ((start >>> 0) + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
  for (let p = first; p <= last; p++) into.add(p);
}

/** Pages [first, first+count) and the pages of their shadows. */
function addWithShadow(into: Set<number>, first: number, count: number): void {
  for (let p = first; p < first + count; p++) into.add(p);
  const start = first * PAGE_SIZE;
  const length = count * PAGE_SIZE;
  for (const base of SHADOW_BASES) addRange(into, base + (start >>> SHADOW_SCALE), length >>> SHADOW_SCALE);
}
