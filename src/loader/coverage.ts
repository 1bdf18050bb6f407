/**
 * Coverage of driver code: how many times each basic block of each wasm image ran. The rewrite puts
 * a counter at each block (loader/wasm/rewrite.ts); the counters live in kernel memory the loader
 * takes from its own region (never mapped for drivers: their checked code cannot reach it), so the
 * fuzzer can read them between requests at no cost. Each site's source line is resolved when the
 * image loads, so the report survives the unload: `dv run --coverage FILE` writes it as lcov.
 */
import { SimulatorError } from '../kernel/errors.ts';
import type { AddressSpace } from '../kernel/mm/address-space.ts';
import { PAGE_SIZE, VaRegion, VA_MAP } from '../kernel/mm/address-space.ts';
import type { ModuleInfo } from '../kernel/symbols.ts';
import { COMPARISON_ENTRY_SIZE, COMPARISON_RING_ENTRIES, COMPARISON_RING_HEADER } from './wasm/rewrite.ts';

/** Sources of the runtime dv build links into every image. */
const RUNTIME_SOURCE = /(^|[\\/])ddk[\\/]crt[\\/]/;

export interface CoverageSite {
  /** The block's code address. */
  readonly pc: number;
  /** The source lines of its code: every DWARF line row from its address to the next block's. */
  readonly lines: ReadonlyArray<{ readonly file: string; readonly line: number }>;
}

export interface CoverageImage {
  readonly module: string;
  readonly sites: readonly CoverageSite[];
  /** Address of the image's counters: a u32 per site, in site order. */
  readonly counters: number;
}

export class CoverageCollector {
  private readonly region = new VaRegion('Coverage', VA_MAP.coverage.start, VA_MAP.coverage.end);
  readonly images: CoverageImage[] = [];
  /** Each image's comparison ring (with the value profile on). */
  readonly rings: { readonly module: string; readonly base: number }[] = [];
  /** How many entries of each ring (by base) take() has returned: the next call returns the ones after. */
  private readonly taken = new Map<number, number>();

  /** `valueProfile`: images also record the operands of their comparisons (rewrite.ts), in rings from the same region. */
  constructor(private readonly as: AddressSpace, readonly valueProfile = false) {}

  /** A comparison ring for an image (zeroed: count 0); returns its address. */
  allocateRing(module: ModuleInfo): number {
    const pages = Math.ceil((COMPARISON_RING_HEADER + COMPARISON_ENTRY_SIZE * COMPARISON_RING_ENTRIES) / PAGE_SIZE);
    const base = this.region.allocatePages(pages);
    if (base === undefined) throw new SimulatorError(`comparison ring of ${module.imageName}: the ${(VA_MAP.coverage.end - VA_MAP.coverage.start) >>> 20} MiB coverage region is full`);
    this.as.zero(base, pages * PAGE_SIZE);
    this.rings.push({ module: module.name, base });
    return base;
  }

  /** The comparisons recorded since the last call, oldest first, as operand pairs (those the ring still holds). */
  take(): Array<readonly [bigint, bigint]> {
    const out: Array<readonly [bigint, bigint]> = [];
    for (const { base } of this.rings) {
      const count = this.as.u32(base);
      const from = Math.max(this.taken.get(base) ?? 0, count - COMPARISON_RING_ENTRIES);
      this.taken.set(base, count);
      if (count < from) continue; // the u32 count wrapped: start again from here
      for (let n = from; n < count; n++) {
        const at = base + COMPARISON_RING_HEADER + COMPARISON_ENTRY_SIZE * (n & (COMPARISON_RING_ENTRIES - 1));
        out.push([this.as.u64(at), this.as.u64(at + 8)]);
      }
    }
    return out;
  }

  /** Counters for an image's sites (zeroed); returns their address. */
  allocate(module: ModuleInfo, pcs: readonly number[]): number {
    const pages = Math.max(1, Math.ceil((4 * pcs.length) / PAGE_SIZE));
    const counters = this.region.allocatePages(pages);
    if (counters === undefined) throw new SimulatorError(`coverage counters of ${module.imageName}: the ${(VA_MAP.coverage.end - VA_MAP.coverage.start) >>> 20} MiB coverage region is full`);
    this.as.zero(counters, pages * PAGE_SIZE);
    const sites = linesOfBlocks(module, pcs);
    this.images.push({ module: module.name, sites, counters });
    return counters;
  }

  /** Each site's count, by image. */
  counts(image: CoverageImage): number[] {
    return image.sites.map((_, i) => this.as.u32(image.counters + 4 * i));
  }

  /** Blocks that ran at least once, and all blocks, over every image. */
  summary(): { hit: number; sites: number } {
    let hit = 0;
    let sites = 0;
    for (const image of this.images) {
      sites += image.sites.length;
      hit += this.counts(image).filter((c) => c > 0).length;
    }
    return { hit, sites };
  }

  /**
   * The lcov tracefile (geninfo's format, read by genhtml and editors): per source file, each line
   * that has a block with the count of its most-run block, and the line totals.
   */
  lcov(): string {
    const files = new Map<string, Map<number, number>>();
    for (const image of this.images) {
      const counts = this.counts(image);
      image.sites.forEach((site, i) => {
        for (const { file, line } of site.lines) {
          // dv build's own runtime (ddk/crt) is linked into every image: not the user's code.
          if (RUNTIME_SOURCE.test(file)) continue;
          let lines = files.get(file);
          if (!lines) files.set(file, (lines = new Map()));
          lines.set(line, Math.max(lines.get(line) ?? 0, counts[i]!));
        }
      });
    }
    const out: string[] = [];
    for (const [file, lines] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      out.push('TN:', `SF:${file}`);
      const sorted = [...lines].sort(([a], [b]) => a - b);
      for (const [line, count] of sorted) out.push(`DA:${line},${count}`);
      out.push(`LF:${sorted.length}`, `LH:${sorted.filter(([, c]) => c > 0).length}`, 'end_of_record');
    }
    return out.length > 0 ? out.join('\n') + '\n' : '';
  }
}

/**
 * Each block's source lines: the line rows from its address up to the next block's (in code order),
 * so a line whose code is in the middle of a block counts with it. Line 0 (no source line) is left out.
 */
function linesOfBlocks(module: ModuleInfo, pcs: readonly number[]): CoverageSite[] {
  const rows = module.symbols.lines;
  const files = module.symbols.files;
  const order = pcs.map((pc, i) => [pc, i] as const).sort((a, b) => a[0] - b[0]);
  const sites: CoverageSite[] = new Array(pcs.length);
  let r = 0;
  for (let k = 0; k < order.length; k++) {
    const [pc, i] = order[k]!;
    const end = k + 1 < order.length ? order[k + 1]![0] : Number.MAX_SAFE_INTEGER;
    // The row in force at the block's start may begin before it.
    while (r + 1 < rows.length && rows[r + 1]!.address <= pc) r++;
    const seen = new Set<string>();
    const lines: Array<{ file: string; line: number }> = [];
    for (let j = rows[r] && rows[r]!.address <= pc ? r : r + 1; j < rows.length && rows[j]!.address < end; j++) {
      const row = rows[j]!;
      const file = files[row.file];
      const key = `${row.file}:${row.line}`;
      if (row.line === 0 || file === undefined || seen.has(key)) continue;
      seen.add(key);
      lines.push({ file, line: row.line });
    }
    sites[i] = { pc, lines };
  }
  return sites;
}
