/**
 * The simulated 32-bit kernel address space: one 4 GiB WebAssembly.Memory shared by the kernel and
 * every driver image, and a page table that says what each 4 KiB page is. Pages are committed lazily
 * by the host OS, so only touched pages cost host memory.
 */
import { SimulatorError } from '../errors.ts';
import { SHADOW, Shadow } from './shadow.ts';

export const PAGE_SIZE = 0x1000;
export const PAGE_SHIFT = 12;
const PAGE_COUNT = 1 << 20;

/** What a page of the address space is. NO_ACCESS pages fault on any access. */
export const enum PageKind {
  NoAccess = 0,
  Pool = 1,
  PagedPool = 2,
  SessionPool = 3,
  SpecialPool = 4,
  Image = 5,
  Stack = 6,
  /** Guard page of special pool or a stack: present in the map, faults on access. */
  Guard = 7,
  /** Freed special pool: faults on access (use after free). */
  Freed = 8,
  /** Special pool holding a paged request: pageable, as the paged pool it stands for. */
  PagedSpecialPool = 9,
}

/** Pageable pages: what Force IRQL checking trims while IRQL is raised. */
export function isPageable(kind: PageKind): boolean {
  return kind === PageKind.PagedPool || kind === PageKind.PagedSpecialPool;
}

export function isAccessible(kind: PageKind): boolean {
  return kind !== PageKind.NoAccess && kind !== PageKind.Guard && kind !== PageKind.Freed;
}


/** A named virtual address range carved into pages on demand (first fit, lowest address first). */
export class VaRegion {
  private next: number;
  /** Free runs [start, pages], kept sorted by start. */
  private readonly free: Array<[number, number]> = [];
  constructor(readonly name: string, readonly start: number, readonly end: number) {
    this.next = start;
  }

  allocatePages(pages: number): number | undefined {
    for (let i = 0; i < this.free.length; i++) {
      const [start, count] = this.free[i]!;
      if (count >= pages) {
        if (count === pages) this.free.splice(i, 1);
        else this.free[i] = [start + pages * PAGE_SIZE, count - pages];
        return start;
      }
    }
    const size = pages * PAGE_SIZE;
    if (this.next + size > this.end) return undefined;
    const va = this.next;
    this.next += size;
    return va;
  }

  freePages(va: number, pages: number): void {
    // The run just below the never-used tail (a request's buffers freed last-in first-out) goes straight
    // back to it, with the free run it then reaches: what the general path ends with, without its tuple.
    if (va + pages * PAGE_SIZE === this.next) {
      this.next = va;
      const last = this.free[this.free.length - 1];
      if (last !== undefined && last[0] + last[1] * PAGE_SIZE === va) {
        this.next = last[0];
        this.free.pop();
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && this.free[i]![0] < va) i++;
    this.free.splice(i, 0, [va, pages]);
    // Coalesce with neighbours so large requests can reuse the space.
    this.mergeWithNext(i);
    if (i > 0) this.mergeWithNext(i - 1);
    // A run that reaches the never-used tail goes back to it, so it can grow into the rest.
    const last = this.free[this.free.length - 1]!;
    if (last[0] + last[1] * PAGE_SIZE === this.next) {
      this.next = last[0];
      this.free.pop();
    }
  }

  /** Join free run j with run j+1 if they touch (a method, not a closure: freePages is hot). */
  private mergeWithNext(j: number): void {
    const a = this.free[j];
    const b = this.free[j + 1];
    if (a && b && a[0] + a[1] * PAGE_SIZE === b[0]) {
      a[1] += b[1];
      this.free.splice(j + 1, 1);
    }
  }

  contains(va: number): boolean {
    return va >= this.start && va < this.end;
  }

  /** Bytes not allocated, and the largest run of them (what one request can get), for messages. */
  freeSpace(): { total: number; largest: number } {
    const tail = this.end - this.next;
    const runs = this.free.map(([, pages]) => pages * PAGE_SIZE);
    return { total: runs.reduce((a, b) => a + b, tail), largest: Math.max(tail, ...runs) };
  }
}

/**
 * MmUserProbeAddress: the first address above user space (x86's 0x7FFF0000, below the 64 KiB no-access
 * guard at 0x7FFF0000). ProbeForRead/ProbeForWrite refuse a buffer that reaches it.
 */
export const MM_USER_PROBE_ADDRESS = 0x7fff0000;

/** The fixed map of the address space (x86-like, our own numbers): user space, then the kernel half. */
export const VA_MAP = {
  /** The calling process's buffers (METHOD_NEITHER and neither-I/O requests hand them to drivers as they are). */
  user: { start: 0x00100000, end: MM_USER_PROBE_ADDRESS },
  ntImage: { start: 0x81600000, end: 0x81e00000 },
  /** Coverage counters of wasm images (loader/coverage.ts): kernel memory no driver reaches. */
  coverage: { start: 0x82000000, end: 0x83000000 },
  /** The wasm stack pointer at each call of the call-site ring, at the same ring offset (ke/callstack.ts captureWithFrameBases). */
  wasmFrameBases: { start: 0x83fd0000, end: 0x83fe0000 },
  /** Where a wasm driver's suppressed access goes while its access violation waits to be raised (ke/except.ts defer). */
  accessScratch: { start: 0x83fe0000, end: 0x83ff0000 },
  /** Call sites of running wasm driver code, a ring the drivers' call probes write (ke/callstack.ts). */
  wasmCallSites: { start: 0x83ff0000, end: 0x84000000 },
  nonPagedPool: { start: 0x84000000, end: 0x8c000000 },
  stacks: { start: 0x8c000000, end: 0x8e000000 },
  /** Device memory MmMapIoSpace maps into system space (hal/io-space.ts). */
  ioSpace: { start: 0x8e000000, end: 0x90000000 },
  session: { start: 0x90000000, end: 0x94000000 },
  pagedPool: { start: 0x94000000, end: 0x98000000 },
  specialPool: { start: 0x98000000, end: 0x9a000000 },
  images: { start: 0x9a3b0000, end: 0x9c000000 },
  /** mm's shadow of the whole space, a byte per 8 (shadow.ts); never mapped, so a driver's touch faults. */
  shadow: { start: 0xa0000000, end: 0xc0000000 },
  /** The trimmed copy of mm's shadow that Force IRQL checking reads at DISPATCH_LEVEL and above (shadow.ts). */
  trimmedShadow: { start: 0xe0000000, end: 0x100000000 },
  /** The shadow clang's AddressSanitizer keeps for a `dv build --kasan` image's stack and globals (0 = accessible). */
  kasanShadow: { start: 0xc0000000, end: 0xe0000000 },
} as const;

/** The wasm call-site ring (ke/callstack.ts): where it lies, and the mask that wraps a byte count into it. */
export const WASM_CALL_SITE_RING = {
  base: VA_MAP.wasmCallSites.start,
  mask: (VA_MAP.wasmCallSites.end - VA_MAP.wasmCallSites.start - 1) & ~3,
} as const;

/** The ring parallel to WASM_CALL_SITE_RING: the image's `__stack_pointer` as each call was made (a frame's DWARF frame base). */
export const WASM_FRAME_BASE_RING = { base: VA_MAP.wasmFrameBases.start, mask: WASM_CALL_SITE_RING.mask } as const;

/** Pages nextMapped passes over at once when all are unmapped (PAGE_COUNT is a multiple). */
const SKIP = 256;
const UNMAPPED = new Uint8Array(SKIP);

/** One past the last byte of the 4 GiB space. */
const SPACE_END = 0x1_0000_0000;
/** Where the upper half of the space starts (see `lo` and `hi`). */
/** Where the kernel half of the space starts (2^31): V8's typed-array builtins take their fast path only for offsets below it. */
export const HIGH_HALF = 0x8000_0000;

export class AddressSpace {
  readonly memory: WebAssembly.Memory;
  /**
   * An access by the kernel that runs past the top of the 4 GiB space (a wild pointer a driver passed
   * to a DDI): no page is ever mapped there, so it is a page fault; the kernel makes it its bug check.
   * Must throw. (Elsewhere the kernel's own accesses stay unchecked.)
   */
  onOutOfRange: (address: number, write: boolean) => never = (address) => {
    throw new SimulatorError(`kernel access at 0x${(address >>> 0).toString(16)} runs past the end of the address space`);
  };
  readonly pages = new Uint8Array(PAGE_COUNT);
  /** Told of every page-table change: a machine snapshot's restore compares those pages too (system/snapshot/memory.ts). */
  onSetPages?: (firstPage: number, count: number) => void;
  /** The byte-granular state of every address, beside the page table (shadow.ts). */
  readonly shadow: Shadow;
  private buffer!: ArrayBuffer;
  private view!: DataView;
  private bytes!: Uint8Array;
  /**
   * The two halves of `bytes`: V8 reads and fills a typed array longer than 2^31 elements several times
   * slower than a shorter one, so the hot byte paths (the pool's zeroing, special pool's pattern) use these.
   */
  private lo!: Uint8Array;
  private hi!: Uint8Array;
  /** The same bytes as a Buffer, for native compares. */
  private whole!: Buffer;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 65536, maximum: 65536 });
    this.refresh();
    this.shadow = new Shadow(this.bytes, VA_MAP.shadow.start, (va) => isPageable(this.pageKind(va)));
  }

  private refresh(): void {
    this.buffer = this.memory.buffer;
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    this.lo = this.bytes.subarray(0, HIGH_HALF);
    this.hi = this.bytes.subarray(HIGH_HALF);
    this.whole = Buffer.from(this.buffer);
  }

  pageKind(va: number): PageKind {
    return this.pages[(va >>> 0) >>> PAGE_SHIFT]! as PageKind;
  }

  setPages(va: number, count: number, kind: PageKind): void {
    const first = (va >>> 0) >>> PAGE_SHIFT;
    if (isAccessible(kind)) this.shadow.setPages(va, count, SHADOW.accessible, isPageable(kind));
    else {
      // A page that had no access keeps a shadow of 0 (special pool's guard -> freed -> unmapped): only
      // the pages that were accessible, and may hold a block's poison codes, are written.
      for (let p = first; p < first + count; p++) if (isAccessible(this.pages[p]! as PageKind)) this.shadow.setPages(p << PAGE_SHIFT, 1, SHADOW.noAccess);
    }
    this.pages.fill(kind, first, first + count);
    this.onSetPages?.(first, count);
  }

  /** Zero a range (the host gave us zeroed pages; a reused page must be cleared). */
  zero(va: number, length: number): void {
    this.fillBytes(va >>> 0, length, 0);
  }

  /** Fill [a, a + length) (inside the space) through the half that holds it. */
  private fillBytes(a: number, length: number, value: number): void {
    const end = a + length;
    if (a >= HIGH_HALF) this.hi.fill(value, a - HIGH_HALF, end - HIGH_HALF);
    else if (end <= HIGH_HALF) this.lo.fill(value, a, end);
    else this.bytes.fill(value, a, end);
  }

  /** `va` as an offset, if [va, va+length) lies inside the space; else the out-of-range fault. */
  private at(va: number, length: number, write: boolean): number {
    const a = va >>> 0;
    if (a + length > SPACE_END) this.onOutOfRange(a, write);
    return a;
  }

  // Unchecked access, for the kernel itself. Drivers get a checked view (see DriverMemory).
  u8(va: number): number {
    const a = va >>> 0;
    return a >= HIGH_HALF ? this.hi[a - HIGH_HALF]! : this.lo[a]!;
  }
  u16(va: number): number {
    return this.view.getUint16(this.at(va, 2, false), true);
  }
  u32(va: number): number {
    return this.view.getUint32(this.at(va, 4, false), true);
  }
  i32(va: number): number {
    return this.view.getInt32(this.at(va, 4, false), true);
  }
  u64(va: number): bigint {
    return this.view.getBigUint64(this.at(va, 8, false), true);
  }
  setU8(va: number, v: number): void {
    const a = va >>> 0;
    if (a >= HIGH_HALF) this.hi[a - HIGH_HALF] = v;
    else this.lo[a] = v;
  }
  setU16(va: number, v: number): void {
    this.view.setUint16(this.at(va, 2, true), v, true);
  }
  setU32(va: number, v: number): void {
    this.view.setUint32(this.at(va, 4, true), v >>> 0, true);
  }
  setU64(va: number, v: bigint): void {
    this.view.setBigUint64(this.at(va, 8, true), BigInt.asUintN(64, v), true);
  }
  read(va: number, length: number): Uint8Array {
    const a = this.at(va, length, false);
    return a >= HIGH_HALF ? this.hi.slice(a - HIGH_HALF, a - HIGH_HALF + length) : this.bytes.slice(a, a + length);
  }
  write(va: number, data: Uint8Array): void {
    const a = this.at(va, data.length, true);
    if (a >= HIGH_HALF) this.hi.set(data, a - HIGH_HALF);
    else this.bytes.set(data, a);
  }
  fill(va: number, length: number, value: number): void {
    this.fillBytes(this.at(va, length, true), length, value);
  }
  copy(dst: number, src: number, length: number): void {
    const s = this.at(src, length, false);
    const d = this.at(dst, length, true);
    if (s >= HIGH_HALF && d >= HIGH_HALF) this.hi.copyWithin(d - HIGH_HALF, s - HIGH_HALF, s - HIGH_HALF + length);
    else this.bytes.copyWithin(d, s, s + length);
  }
  /**
   * The first address in [va, va+length) whose byte is not `value`, or -1. Native compares against a
   * page of `value`: special pool checks a page of slack on every free.
   */
  findMismatch(va: number, length: number, value: number): number {
    let pattern = this.patterns.get(value);
    if (!pattern) this.patterns.set(value, (pattern = Buffer.alloc(PAGE_SIZE, value)));
    const start = va >>> 0;
    for (let off = 0; off < length; off += PAGE_SIZE) {
      const n = Math.min(PAGE_SIZE, length - off);
      // Compared in place (no view made per call: special pool checks on every free).
      if (this.whole.compare(pattern, 0, n, start + off, start + off + n) === 0) continue;
      for (let i = 0; i < n; i++) if (this.bytes[start + off + i] !== value) return start + off + i;
    }
    return -1;
  }
  private readonly patterns = new Map<number, Buffer>();

  /** Read `chars` UTF-16 code units. */
  utf16(va: number, chars: number): string {
    let s = '';
    for (let i = 0; i < chars; i++) s += String.fromCharCode(this.u16(va + 2 * i));
    return s;
  }
  writeUtf16(va: number, text: string): void {
    for (let i = 0; i < text.length; i++) this.setU16(va + 2 * i, text.charCodeAt(i));
  }
  /** Read a NUL-terminated 8-bit string (at most `max` bytes). */
  cstring(va: number, max = 4096): string {
    let s = '';
    for (let i = 0; i < max; i++) {
      const c = this.u8(va + i);
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** The address of every accessible page. */
  *accessiblePages(): Generator<number> {
    for (let p = this.nextMapped(0); p < PAGE_COUNT; p = this.nextMapped(p + 1)) if (isAccessible(this.pages[p]! as PageKind)) yield (p << PAGE_SHIFT) >>> 0;
  }

  /**
   * The first page from `p` on that is not NoAccess (0), or PAGE_COUNT. Runs of SKIP unmapped pages are
   * passed over with one native compare: the dump and the trimmed shadow walk the 4 GiB map, which is mostly
   * unmapped, once per run, in code too cold for the JIT to have made a page-by-page loop fast.
   */
  private nextMapped(p: number): number {
    while (p < PAGE_COUNT) {
      if ((p & (SKIP - 1)) === 0 && this.pageBytes.compare(UNMAPPED, 0, SKIP, p, p + SKIP) === 0) {
        p += SKIP;
        continue;
      }
      if (this.pages[p] !== PageKind.NoAccess) return p;
      p++;
    }
    return PAGE_COUNT;
  }
  private readonly pageBytes = Buffer.from(this.pages.buffer, this.pages.byteOffset, PAGE_COUNT);

  /** How many pages are mapped (not NoAccess): what mappedPages() yields. */
  mappedPageCount(): number {
    let n = 0;
    for (let p = this.nextMapped(0); p < PAGE_COUNT; p = this.nextMapped(p + 1)) n++;
    return n;
  }

  /** The address of every mapped page (not NoAccess), lowest first: the pages a crash dump holds. */
  *mappedPages(): Generator<number> {
    for (let p = this.nextMapped(0); p < PAGE_COUNT; p = this.nextMapped(p + 1)) yield (p << PAGE_SHIFT) >>> 0;
  }

  /** [va, va + length) of the space without a copy (valid until written): for the dump writer's pages. */
  bytesAt(va: number, length: number): Uint8Array {
    const a = this.at(va, length, false);
    return a >= HIGH_HALF ? this.hi.subarray(a - HIGH_HALF, a - HIGH_HALF + length) : this.bytes.subarray(a, a + length);
  }

}

export function assertPageAligned(va: number): void {
  if (va & (PAGE_SIZE - 1)) throw new SimulatorError(`address 0x${va.toString(16)} is not page aligned`);
}
