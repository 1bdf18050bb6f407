/**
 * The shadow of the address space: one byte for each 8-byte granule, kept in the simulated memory
 * itself (VA_MAP.shadow), so a checked wasm driver's loads and stores test it inline with one load
 * (loader/wasm/rewrite.ts) and only a granule that is not plainly accessible costs a call into the
 * kernel. mm keeps the page states here (AddressSpace.setPages); the pool marks its headers, the
 * slack after each block and freed blocks (ex/pool.ts), as a KASAN kernel's allocator does.
 *
 * A shadow byte is the number of accessible bytes at the start of its granule, or a poison code:
 * - 0x00: no access: a page not mapped, a guard page or freed special pool (the page table says which);
 *   also what the shadow of never-touched memory reads, so the 512 MiB shadow costs nothing until used;
 * - 0x01..0x07: the first k bytes of the granule are accessible (the end of a block that is not a
 *   multiple of 8); 0x08: all of it (pageability is the page table's to say, not the shadow's);
 * - 0xF1..0xFD: a poisoned granule, with the code AddressSanitizer uses for the same thing (KASAN
 *   reports it in bits 0-7 of 0x1F2's Parameter 4). Read as a signed byte, every poison code is
 *   negative, so one test passes exactly the accesses that stay inside the accessible bytes of one
 *   granule: `(address & 7) + size <= (i8)shadow` (the inline check, loader/wasm/rewrite.ts).
 */

import { fillRange, highHalf } from './high-half.ts';

export const SHADOW_SCALE = 3;
export const SHADOW_GRANULE = 1 << SHADOW_SCALE;
/** Shadow bytes per 4 KiB page. */
const PAGE_SHADOW = 0x1000 >>> SHADOW_SCALE;

/** Shadow values, one definition for the kernel, the rewrite's inline check and the reports. */
export const SHADOW = {
  noAccess: 0x00,
  accessible: 0x08,
  /** Pool that no block owns: a block's POOL_HEADER, and the part of a pool page not yet carved. */
  poolHeader: 0xfa,
  /** The bytes after a pool block up to the next one (or the end of its pages). */
  poolSlack: 0xfb,
  /** A freed pool block. */
  poolFreed: 0xfd,
  /** Stack and global redzones of `dv build --kasan` images (clang's AddressSanitizer codes). */
  stackLeft: 0xf1,
  stackMid: 0xf2,
  stackRight: 0xf3,
  stackAfterReturn: 0xf5,
  stackUseAfterScope: 0xf8,
  globalRedzone: 0xf9,
  allocaLeft: 0xca,
  allocaRight: 0xcb,
} as const;

/** What a shadow code means, as `!analyze -v` names it. */
export const SHADOW_MEANING: Readonly<Record<number, string>> = {
  [SHADOW.poolHeader]: 'pool header or unallocated pool (left redzone)',
  [SHADOW.poolSlack]: 'past the end of a pool block (right redzone)',
  [SHADOW.poolFreed]: 'freed pool block (use after free)',
  [SHADOW.stackLeft]: 'stack left redzone',
  [SHADOW.stackMid]: 'stack redzone between variables',
  [SHADOW.stackRight]: 'stack right redzone',
  [SHADOW.stackAfterReturn]: 'stack of a function that returned',
  [SHADOW.stackUseAfterScope]: 'stack variable out of scope',
  [SHADOW.globalRedzone]: 'global variable redzone',
  [SHADOW.allocaLeft]: 'alloca left redzone',
  [SHADOW.allocaRight]: 'alloca right redzone',
};

const isOkShadow = (s: number): boolean => s === SHADOW.accessible;

export class Shadow {
  /**
   * The trimmed shadow (Force IRQL checking): the same bytes, except that every pageable page is no
   * access, as Mm trims pageable memory whenever IRQL is raised to DISPATCH_LEVEL. 0 until enabled;
   * from then on every write goes to both.
   */
  private trimmedBase = 0;
  /** Where reads look (and a checked image's inline test): the shadow, or the trimmed one while IRQL is raised. */
  private active: number;
  /** Told the new active base when it changes (checked images keep it in a global). */
  private readonly listeners: Array<(base: number) => void> = [];

  /** The kernel half of `bytes`, where the shadows lie (fills through it are fast: high-half.ts). */
  private readonly high: Uint8Array;

  /** `bytes`: the whole address space; `base`: the shadow's first byte in it; `pageable(va)`: the page table says so. */
  constructor(
    private readonly bytes: Uint8Array,
    readonly base: number,
    private readonly pageable: (va: number) => boolean,
  ) {
    this.active = base;
    this.high = highHalf(bytes);
  }

  /** True once Force IRQL checking keeps a trimmed shadow. */
  get trimming(): boolean {
    return this.trimmedBase !== 0;
  }

  /** The base reads use now. */
  get activeBase(): number {
    return this.active;
  }

  /** Keep a trimmed shadow at `trimmedBase` from now on; `accessiblePages` are the pages mapped so far, whose shadow it copies. */
  enableTrimming(trimmedBase: number, accessiblePages: Iterable<number>): void {
    if (this.trimmedBase !== 0) return;
    this.trimmedBase = trimmedBase;
    for (const va of accessiblePages) {
      if (this.pageable(va)) continue;
      const from = (va >>> 0) >>> SHADOW_SCALE;
      this.bytes.copyWithin(trimmedBase + from, this.base + from, this.base + from + PAGE_SHADOW);
    }
  }

  /** Reads use the trimmed shadow (IRQL at or above DISPATCH_LEVEL) or the whole one. */
  trim(on: boolean): void {
    const next = on && this.trimmedBase !== 0 ? this.trimmedBase : this.base;
    if (next === this.active) return;
    this.active = next;
    for (const l of this.listeners) l(next);
  }

  /** True while pageable memory is trimmed. */
  get trimmed(): boolean {
    return this.active !== this.base;
  }

  onActiveChange(listener: (base: number) => void): void {
    this.listeners.push(listener);
  }

  /** The shadow byte of the granule holding `va`. */
  at(va: number): number {
    return this.bytes[this.active + ((va >>> 0) >>> SHADOW_SCALE)]!;
  }

  /** Whole pages take one value (mm's page states); `pageable` pages are no access in the trimmed shadow. */
  setPages(va: number, count: number, value: number, pageable = false): void {
    const from = (va >>> 0) >>> SHADOW_SCALE;
    fillRange(this.bytes, this.high, this.base + from, this.base + from + count * PAGE_SHADOW, value);
    if (this.trimmedBase !== 0) fillRange(this.bytes, this.high, this.trimmedBase + from, this.trimmedBase + from + count * PAGE_SHADOW, pageable ? SHADOW.noAccess : value);
  }

  /** Granules from `va` (8-aligned) covering `length` bytes take `code`. */
  poison(va: number, length: number, code: number): void {
    if (length <= 0) return;
    const from = (va >>> 0) >>> SHADOW_SCALE;
    const n = Math.ceil(length / SHADOW_GRANULE);
    fillRange(this.bytes, this.high, this.base + from, this.base + from + n, code);
    if (this.trimmedBase !== 0 && !this.pageable(va)) fillRange(this.bytes, this.high, this.trimmedBase + from, this.trimmedBase + from + n, code);
  }

  /** `length` bytes from `va` (8-aligned) become accessible; a last partial granule says how many of its bytes. */
  unpoison(va: number, length: number): void {
    this.unpoisonAt(this.base, va, length);
    if (this.trimmedBase !== 0 && !this.pageable(va)) this.unpoisonAt(this.trimmedBase, va, length);
  }

  private unpoisonAt(base: number, va: number, length: number): void {
    const from = base + ((va >>> 0) >>> SHADOW_SCALE);
    const whole = length >>> SHADOW_SCALE;
    fillRange(this.bytes, this.high, from, from + whole, SHADOW.accessible);
    const rest = length & (SHADOW_GRANULE - 1);
    if (rest) this.bytes[from + whole] = rest;
  }

  /** True when every byte of [va, va+length) is accessible: the granules all say so. */
  isClean(va: number, length: number): boolean {
    const a = va >>> 0;
    const first = this.active + (a >>> SHADOW_SCALE);
    const last = this.active + ((a + Math.max(length, 1) - 1) >>> SHADOW_SCALE);
    for (let i = first; i <= last; i++) {
      if (this.bytes[i] !== SHADOW.accessible) return false;
    }
    return true;
  }

  /** The first byte of [va, va+length) that may not be touched, or -1 when all may. */
  firstBad(va: number, length: number): number {
    const a = va >>> 0;
    const end = a + Math.max(length, 1);
    for (let x = a; x < end; ) {
      const s = this.at(x);
      if (isOkShadow(s)) {
        x = ((x >>> SHADOW_SCALE) + 1) << SHADOW_SCALE;
        x >>>= 0;
        if (x === 0) break; // wrapped past the top
        continue;
      }
      if (s >= 1 && s < SHADOW_GRANULE && (x & (SHADOW_GRANULE - 1)) < s) {
        x++;
        continue;
      }
      return x;
    }
    return -1;
  }

  /** The shadow code that names what the byte at `va` is (P4 of 0x1F2). */
  codeOf(va: number): number {
    const s = this.at(va);
    // Past the accessible part of a block's last granule: the slack after the block.
    return s >= 1 && s < SHADOW_GRANULE ? SHADOW.poolSlack : s;
  }
}
