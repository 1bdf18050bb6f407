/**
 * The verifier's record of one verified driver: live tracked allocations with their callers and
 * stacks, and the per-driver counters `!verifier 3` prints. The record lives host-side (checker
 * metadata beside the allocator, never inside it); a small mirror in simulated memory gives the
 * debugger and bug check 0xC4/0x62 a real address to point at ("verifier internal structure").
 *
 * Tracked allocations are records in typed arrays (address, size, tag and a site id) with their
 * sites and stacks interned (about 50 bytes a live allocation, off the JS heap), so a driver that
 * exhausts pool with small blocks under /standard stays inside a small Node heap.
 */
import { LIST_ENTRY, UNICODE_STRING, struct } from '../nt/layout.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { AddressTable, extend } from '../kernel/rtl/address-table.ts';
import { SiteDepot } from './site-depot.ts';
import { StackDepot } from './stack-depot.ts';
import { countAllocation, countFree, type PoolCounters } from './stats.ts';
import { VF_TAG } from './tags.ts';

/** Our layout of the verifier's per-driver entry in simulated memory (MI_VERIFIER_DRIVER_ENTRY's role). */
export const VERIFIER_DRIVER_ENTRY = struct('VERIFIER_DRIVER_ENTRY', [
  ['Links', LIST_ENTRY],
  ['Loads', 'u32'],
  ['Unloads', 'u32'],
  ['BaseName', UNICODE_STRING],
  ['StartAddress', 'ptr'],
  ['EndAddress', 'ptr'],
  ['Flags', 'u32'],
  ['CurrentPagedPoolAllocations', 'u32'],
  ['CurrentNonPagedPoolAllocations', 'u32'],
  ['PeakPagedPoolAllocations', 'u32'],
  ['PeakNonPagedPoolAllocations', 'u32'],
  ['PagedBytes', 'u32'],
  ['NonPagedBytes', 'u32'],
  ['PeakPagedBytes', 'u32'],
  ['PeakNonPagedBytes', 'u32'],
]);

export const TAG_VERIFIER_ENTRY = VF_TAG.DriverEntry;

export type AllocationKind = 'pool' | 'mdl' | 'workitem';
const KINDS: readonly AllocationKind[] = ['pool', 'mdl', 'workitem'];

export interface TrackedAllocation {
  readonly address: number;
  readonly size: number;
  readonly tag: number;
  readonly poolType: number;
  readonly kind: AllocationKind;
  /** The driver's call site (0 when caller capture is off). */
  readonly caller: number;
  readonly thread: number;
  readonly stack: readonly number[];
}

/** A lookaside list the driver initialized: where, and the memory that holds it (pool block or image). */
export interface LookasideOrigin {
  readonly caller: number;
  readonly start: number;
  readonly size: number;
}

/**
 * A driver's live tracked allocations, by address, in the order they were made (as a Map's): size
 * and tag per record, the rest of it (kind, pool type, caller, thread, stack) as a site id.
 */
export class TrackedAllocations extends AddressTable {
  private size32 = new Uint32Array(AddressTable.INITIAL_SLOTS);
  private tag = new Uint32Array(AddressTable.INITIAL_SLOTS);
  private site = new Uint32Array(AddressTable.INITIAL_SLOTS);

  constructor(
    private readonly stacks: StackDepot,
    private readonly sites = new SiteDepot(),
  ) {
    super();
  }

  protected grow(capacity: number): void {
    this.size32 = extend(this.size32, capacity);
    this.tag = extend(this.tag, capacity);
    this.site = extend(this.site, capacity);
  }

  set(a: TrackedAllocation): void {
    this.setInterned(a.address, a.size, a.tag, a.poolType, a.kind, a.caller, a.thread, this.stacks.intern(a.stack));
  }

  /** set() with the stack already in the depot, as its id (no record object: the verified pool path). */
  setInterned(address: number, size: number, tag: number, poolType: number, kind: AllocationKind, caller: number, thread: number, stack: number): void {
    const s = this.insert(address);
    this.size32[s] = size;
    this.tag[s] = tag;
    this.site[s] = this.sites.intern(KINDS.indexOf(kind), poolType, caller, thread, stack);
  }

  /** The size of the record in `slot` (live, or just removed and not yet reused). */
  sizeAt(slot: number): number {
    return this.size32[slot]!;
  }

  tagAt(slot: number): number {
    return this.tag[slot]!;
  }

  poolTypeAt(slot: number): number {
    return this.sites.get(this.site[slot]!).poolType;
  }

  get(address: number): TrackedAllocation | undefined {
    const s = this.slotOf(address);
    return s < 0 ? undefined : this.at(s);
  }

  /** Remove and return the record of `address`. */
  take(address: number): TrackedAllocation | undefined {
    const s = this.remove(address);
    return s < 0 ? undefined : this.at(s);
  }

  *values(): Generator<TrackedAllocation> {
    for (const [, s] of this.entries()) yield this.at(s);
  }

  private at(s: number): TrackedAllocation {
    const site = this.sites.get(this.site[s]!);
    return {
      address: this.addressAt(s),
      size: this.size32[s]!,
      tag: this.tag[s]!,
      poolType: site.poolType,
      kind: KINDS[site.kind]!,
      caller: site.caller,
      thread: site.thread,
      stack: this.stacks.get(site.stack),
    };
  }
}

export class VerifiedDriver {
  readonly allocations: TrackedAllocations;
  /**
   * Where the driver set up each timer, DPC, system work item and system thread (object address ->
   * the driver's call site), so an unload check can name the line.
   */
  readonly origins = new Map<number, number>();
  /** Lookaside lists initialized and not yet deleted. */
  readonly lookasides = new Map<number, LookasideOrigin>();
  readonly paged: PoolCounters = { current: 0, currentBytes: 0, peak: 0, peakBytes: 0 };
  readonly nonPaged: PoolCounters = { current: 0, currentBytes: 0, peak: 0, peakBytes: 0 };
  contiguousBytes = 0;
  peakContiguousBytes = 0;
  loads = 1;
  unloads = 0;
  state: 'Loaded' | 'Unloaded' = 'Loaded';
  /** Address of the entry in simulated memory (Arg3 of 0xC4/0x62). */
  readonly entryAddress: number;
  /** Address of the UNICODE_STRING with the image name (Arg2 of 0xC4/0x62). */
  readonly nameAddress: number;

  constructor(
    private readonly k: Kernel,
    readonly name: string,
    readonly imageName: string,
    readonly base: number,
    readonly size: number,
    private readonly stacks = new StackDepot(),
  ) {
    this.allocations = new TrackedAllocations(stacks);
    const e = k.allocateKernelObject(VERIFIER_DRIVER_ENTRY.size + 2 * imageName.length + 2, TAG_VERIFIER_ENTRY);
    this.entryAddress = e;
    this.nameAddress = e + VERIFIER_DRIVER_ENTRY.off.BaseName;
    k.io.initUnicodeString(this.nameAddress, e + VERIFIER_DRIVER_ENTRY.size, imageName);
    const O = VERIFIER_DRIVER_ENTRY.off;
    k.as.setU32(e + O['Links.Flink'], e);
    k.as.setU32(e + O['Links.Blink'], e);
    k.as.setU32(e + O.StartAddress, base);
    k.as.setU32(e + O.EndAddress, base + size);
    this.sync();
  }

  track(a: TrackedAllocation): void {
    this.trackInterned(a.address, a.size, a.tag, a.poolType, a.kind, a.caller, a.thread, this.stacks.intern(a.stack));
  }

  /** track() with the stack already in the depot, as its id. */
  trackInterned(address: number, size: number, tag: number, poolType: number, kind: AllocationKind, caller: number, thread: number, stack: number): void {
    this.allocations.setInterned(address, size, tag, poolType, kind, caller, thread, stack);
    countAllocation(this.counters(poolType), size);
    this.onChange?.(tag, size);
  }

  untrack(address: number): TrackedAllocation | undefined {
    const a = this.allocations.get(address);
    if (a) this.untrackSlot(address);
    return a;
  }

  /**
   * Untrack the block at `address`: the slot its record was in (read it with the table's sizeAt and
   * poolTypeAt until the next track), or -1 when the driver tracks no such block. No record object.
   */
  untrackSlot(address: number): number {
    const t = this.allocations;
    const s = t.remove(address);
    if (s < 0) return s;
    countFree(this.counters(t.poolTypeAt(s)), t.sizeAt(s));
    this.onChange?.(t.tagAt(s), -t.sizeAt(s));
    return s;
  }

  /** Told of every change of the driver's tracked pool (set by observe). */
  private onChange?: (tag: number, delta: number) => void;

  /** True once observe() gave the record a listener. */
  get observed(): boolean {
    return this.onChange !== undefined;
  }

  /**
   * Tell `onChange` of every change of the driver's tracked pool (the --html report's chart), after
   * any listener set before; a run that asks for no report pays one test per call.
   */
  observe(onChange: (tag: number, delta: number) => void): void {
    const earlier = this.onChange;
    this.onChange = earlier
      ? (tag, delta) => {
          earlier(tag, delta);
          onChange(tag, delta);
        }
      : onChange;
  }

  counters(poolType: number): PoolCounters {
    return poolType & 1 ? this.paged : this.nonPaged;
  }

  /** Write the counters into the simulated entry (before a dump is taken). */
  sync(): void {
    const O = VERIFIER_DRIVER_ENTRY.off;
    const as = this.k.as;
    const e = this.entryAddress;
    as.setU32(e + O.Loads, this.loads);
    as.setU32(e + O.Unloads, this.unloads);
    as.setU32(e + O.CurrentPagedPoolAllocations, this.paged.current);
    as.setU32(e + O.CurrentNonPagedPoolAllocations, this.nonPaged.current);
    as.setU32(e + O.PeakPagedPoolAllocations, this.paged.peak);
    as.setU32(e + O.PeakNonPagedPoolAllocations, this.nonPaged.peak);
    as.setU32(e + O.PagedBytes, this.paged.currentBytes);
    as.setU32(e + O.NonPagedBytes, this.nonPaged.currentBytes);
    as.setU32(e + O.PeakPagedBytes, this.paged.peakBytes);
    as.setU32(e + O.PeakNonPagedBytes, this.nonPaged.peakBytes);
  }
}
