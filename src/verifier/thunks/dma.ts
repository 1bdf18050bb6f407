/**
 * DMA checking (0x80), "HAL verification": when a verified driver gets a DMA adapter, the verifier
 * points the adapter's DMA_OPERATIONS at its own routines (nt!Vf<Operation>), as Windows' HAL verifier
 * does, and keeps a record per adapter: common buffers (each with a guard tag after it), the channel,
 * map register bases and what is mapped on them, scatter/gather lists given and put. A violation is
 * 0xE6 DRIVER_VERIFIER_DMA_VIOLATION with the Parameter 1 of the rule (dv-reference §3.18):
 * - frees of what is not outstanding (common buffer 0x03, adapter channel 0x04, map registers 0x05,
 *   scatter/gather list 0x06), a second channel at once (0x0B), more map registers than the adapter has
 *   (0x0C), map registers freed with a transfer still mapped (0x0D, not flushed), a transfer on an MDL
 *   whose pages are not locked (0x0E), outside the MDL (0x1B), a write past a common buffer (0x0F, its
 *   guard tag changed, found at the free or the put), a routine at the wrong IRQL (0x13);
 * - PutDmaAdapter with common buffers still allocated (0x07), the adapter channel held (0x08), map
 *   registers outstanding (0x09) or scatter/gather lists not put (0x0A); an adapter never put at unload
 *   (0x11); a routine called for an adapter already put (0x18); a zero-length transfer mapped (0x21).
 * Every other routine of the table passes through to the HAL unchecked.
 */
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../nt/irql.ts';
import { MDL } from '../../nt/io.ts';
import { DMA_ADAPTER, DMA_OPERATIONS, DMA_OPERATION_NAMES, MDL_LAYOUT, type DmaOperationName } from '../../nt/layout.ts';
import { PAGE_SIZE } from '../../kernel/mm/address-space.ts';
import type { Adapter } from '../../kernel/hal/dma.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { RULES, type VerifierRule } from '../rules.ts';
import type { AnyFn, ThunkSet, VerifierContext } from '../context.ts';
import { VF_TAG } from '../tags.ts';

const M = MDL_LAYOUT.off;
type Fn = (...a: unknown[]) => unknown;

/** The guard after each common buffer: Windows' tag `DmaVrfy0`, 8 bytes. */
export const DMA_GUARD = new TextEncoder().encode('DmaVrfy0');
/** Pool tag of the verifier's record of an adapter (Parameter 4, "internal verifier data"). */
export const TAG_DMA_RECORD = VF_TAG.DmaRecord;
const RECORD_SIZE = 0x20;
/** 0xE6/0x0F Parameter 2: the tag after the buffer changed. */
export const GUARD_AFTER_CHANGED = 2;
/** 0xE6/0x13 Parameter 2: 1 = IRQL not the one required, 2 = IRQL above the most allowed. */
export const IRQL_NOT_EXPECTED = 1;
export const IRQL_ABOVE_MAXIMUM = 2;

/** The verifier's routine in place of each table entry. */
export const vfRoutine = (name: DmaOperationName) => `Vf${name}`;
export const UNLOAD_CHECK_ROUTINE = 'VfDmaCheckAdaptersForUnload';
export const DMA_THUNK_ROUTINES = [...DMA_OPERATION_NAMES.map(vfRoutine), UNLOAD_CHECK_ROUTINE];

/** The IRQL each routine requires: exactly one level, or at most one. */
const IRQL: Partial<Record<DmaOperationName, { readonly exact?: number; readonly max?: number }>> = {
  PutDmaAdapter: { exact: PASSIVE_LEVEL },
  AllocateCommonBuffer: { exact: PASSIVE_LEVEL },
  FreeCommonBuffer: { exact: PASSIVE_LEVEL },
  AllocateAdapterChannel: { exact: DISPATCH_LEVEL },
  FreeAdapterChannel: { exact: DISPATCH_LEVEL },
  FreeMapRegisters: { exact: DISPATCH_LEVEL },
  PutScatterGatherList: { exact: DISPATCH_LEVEL },
  MapTransfer: { max: DISPATCH_LEVEL },
  FlushAdapterBuffers: { max: DISPATCH_LEVEL },
  GetScatterGatherList: { max: DISPATCH_LEVEL },
  BuildScatterGatherList: { max: DISPATCH_LEVEL },
  AllocateAdapterChannelEx: { max: DISPATCH_LEVEL },
  MapTransferEx: { max: DISPATCH_LEVEL },
  FlushAdapterBuffersEx: { max: DISPATCH_LEVEL },
};

interface AdapterRecord {
  readonly vf: VerifierContext;
  readonly adapter: number;
  /** The verifier's own block for the adapter: "internal verifier data" in the parameters. */
  readonly record: number;
  /** Outstanding common buffers: virtual address -> length the driver asked for. */
  readonly commonBuffers: Map<number, number>;
  /** Bytes mapped (MapTransfer) and not yet flushed, by map register base. */
  readonly mapped: Map<number, number>;
  listsGiven: number;
  listsPut: number;
}

/** One per machine: the verifier's routines and its records of the adapters verified drivers hold. */
class DmaVerifier {
  readonly records = new Map<number, AdapterRecord>();
  /**
   * Adapters put (PutDmaAdapter) and not handed out again, for 0x18: their records stay allocated
   * (Parameter 3 names one) until the address is handed out again or the driver unloads.
   */
  private readonly released = new Map<number, { readonly vf: VerifierContext; readonly record: number }>();
  private readonly hal: Record<DmaOperationName, Fn>;

  constructor(private readonly k: Kernel) {
    this.hal = k.hal.dma.operations() as unknown as Record<DmaOperationName, Fn>;
    for (const name of DMA_OPERATION_NAMES) {
      const checks = this.checks[name as keyof typeof this.checks] as ((r: AdapterRecord, frames: readonly number[], ...a: unknown[]) => unknown) | undefined;
      const hal = this.hal[name];
      const fn = (...args: unknown[]): unknown => {
        const r = this.records.get((args[0] as number) >>> 0);
        if (!r) {
          const gone = this.released.get((args[0] as number) >>> 0);
          if (gone) gone.vf.violation(RULES.DmaAdapterUsedAfterPut, (args[0] as number) >>> 0, gone.record, 0, [gone.vf.ntFrame(vfRoutine(name), frameOffset(name))]);
          return hal(...args);
        }
        const frames = [r.vf.ntFrame(vfRoutine(name), frameOffset(name))];
        this.checkIrql(r, name, frames);
        return checks ? checks(r, frames, ...args) : hal(...args);
      };
      k.registerRoutine(k.nt.address(vfRoutine(name)), fn as never, 'nt');
    }
    k.events.on('driverUnloaded', (e) => this.checkUnload(e.name));
  }

  /** Point a new adapter's table at the verifier's routines and start its record. */
  adopt(vf: VerifierContext, adapter: number): void {
    const k = this.k;
    const record = k.tryAllocateKernelObject(RECORD_SIZE, TAG_DMA_RECORD);
    if (record === 0) return;
    k.as.zero(record, RECORD_SIZE);
    k.as.setU32(record, adapter);
    this.forget(adapter);
    this.records.set(adapter, { vf, adapter, record, commonBuffers: new Map(), mapped: new Map(), listsGiven: 0, listsPut: 0 });
    const ops = k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!);
    for (const name of DMA_OPERATION_NAMES) k.as.setU32(ops + DMA_OPERATIONS.off[name]!, k.nt.address(vfRoutine(name)));
  }

  /** Drop a put adapter's record. */
  private forget(adapter: number): void {
    const gone = this.released.get(adapter);
    if (!gone) return;
    this.released.delete(adapter);
    this.k.freeKernelObject(gone.record);
  }

  private halAdapter(r: AdapterRecord): Adapter {
    return this.k.hal.dma.adapter(r.adapter);
  }

  private checkIrql(r: AdapterRecord, name: DmaOperationName, frames: readonly number[]): void {
    const want = IRQL[name];
    const irql = this.k.irql;
    if (want?.exact !== undefined && irql !== want.exact) r.vf.violation(RULES.DmaRoutineBadIrql, IRQL_NOT_EXPECTED, want.exact, irql, frames);
    if (want?.max !== undefined && irql > want.max) r.vf.violation(RULES.DmaRoutineBadIrql, IRQL_ABOVE_MAXIMUM, want.max, irql, frames);
  }

  /** A transfer's MDL must describe locked (or nonpaged) pages, and [va, va+length) must lie in it. */
  private checkTransfer(r: AdapterRecord, frames: readonly number[], mdl: number, va: number, length: number): void {
    const as = this.k.as;
    if (length === 0) r.vf.violation(RULES.DmaZeroLengthMap, r.record, 0, 0, frames);
    const flags = as.u16(mdl + M.MdlFlags!);
    if (!(flags & (MDL.PAGES_LOCKED | MDL.SOURCE_IS_NONPAGED_POOL | MDL.PARTIAL | MDL.IO_SPACE))) r.vf.violation(RULES.DmaUnlockedBuffer, mdl, 0, 0, frames);
    const start = (as.u32(mdl + M.StartVa!) + as.u32(mdl + M.ByteOffset!)) >>> 0;
    const end = start + as.u32(mdl + M.ByteCount!);
    if (va < start || va + length > end) r.vf.violation(RULES.DmaAddressNotInMdl, va, mdl, 0, frames);
  }

  /** The guard after a common buffer is intact, or the write past it is 0xE6/0x0F. */
  private checkGuard(r: AdapterRecord, frames: readonly number[], va: number, length: number): void {
    const guard = this.k.as.read(va + length, DMA_GUARD.length);
    if (guard.some((b, i) => b !== DMA_GUARD[i])) r.vf.violation(RULES.DmaCommonBufferOverrun, GUARD_AFTER_CHANGED, length, va, frames);
  }

  /** Map registers given back: what is mapped on them must have been flushed first. */
  private checkFlushed(r: AdapterRecord, frames: readonly number[], base: number): void {
    const bytes = r.mapped.get(base) ?? 0;
    if (bytes > 0) r.vf.violation(RULES.DmaBuffersNotFlushed, bytes, this.halAdapter(r).mapRegisters * PAGE_SIZE, 0, frames);
    r.mapped.delete(base);
  }

  private readonly checks = {
    PutDmaAdapter: (r: AdapterRecord, frames: readonly number[], adapter: number): unknown => {
      for (const [va, length] of r.commonBuffers) this.checkGuard(r, frames, va, length);
      if (r.commonBuffers.size > 0) r.vf.violation(RULES.DmaAdapterPutWithCommonBuffers, r.adapter, r.commonBuffers.size, r.record, frames);
      const a = this.halAdapter(r);
      if (a.channelHeld) r.vf.violation(RULES.DmaAdapterPutWithChannel, r.adapter, 1, r.record, frames);
      if (a.mapRegisterBases.size > 0) r.vf.violation(RULES.DmaAdapterPutWithMapRegisters, r.adapter, a.mapRegisterBases.size, r.record, frames);
      if (r.listsGiven > r.listsPut) r.vf.violation(RULES.DmaAdapterPutWithScatterGatherLists, r.adapter, r.listsGiven - r.listsPut, r.record, frames);
      this.records.delete(r.adapter);
      this.released.set(r.adapter, { vf: r.vf, record: r.record });
      return this.hal.PutDmaAdapter(adapter);
    },
    AllocateCommonBuffer: (r: AdapterRecord, _frames: readonly number[], adapter: number, length: number, logical: number, cached: number): unknown => {
      const n = length >>> 0;
      if (n === 0) return this.hal.AllocateCommonBuffer(adapter, length, logical, cached);
      const va = this.hal.AllocateCommonBuffer(adapter, n + DMA_GUARD.length, logical, cached) as number;
      if (va !== 0) {
        this.k.as.write(va + n, DMA_GUARD);
        r.commonBuffers.set(va >>> 0, n);
      }
      return va;
    },
    FreeCommonBuffer: (r: AdapterRecord, frames: readonly number[], adapter: number, length: number, logical: bigint, va: number, cached: number): unknown => {
      const n = r.commonBuffers.get(va >>> 0);
      if (n === undefined) r.vf.violation(RULES.DmaCommonBufferFreedTwice, 1, 0, 0, frames);
      this.checkGuard(r, frames, va >>> 0, n);
      r.commonBuffers.delete(va >>> 0);
      return this.hal.FreeCommonBuffer(adapter, length, logical, va, cached);
    },
    AllocateAdapterChannel: (r: AdapterRecord, frames: readonly number[], adapter: number, device: number, count: number, routine: number, context: number): unknown => {
      const a = this.halAdapter(r);
      if (count >>> 0 > a.mapRegisters) r.vf.violation(RULES.DmaTooManyMapRegisters, count >>> 0, a.mapRegisters, 0, frames);
      if (a.channelHeld) r.vf.violation(RULES.DmaAdapterChannelAllocatedTwice, 1, 0, 0, frames);
      return this.hal.AllocateAdapterChannel(adapter, device, count, routine, context);
    },
    FreeAdapterChannel: (r: AdapterRecord, frames: readonly number[], adapter: number): unknown => {
      const a = this.halAdapter(r);
      if (!a.channelHeld) r.vf.violation(RULES.DmaAdapterChannelFreedTwice, 1, 0, 0, frames);
      if (a.channelRegisters) this.checkFlushed(r, frames, a.channelRegisters);
      return this.hal.FreeAdapterChannel(adapter);
    },
    FreeMapRegisters: (r: AdapterRecord, frames: readonly number[], adapter: number, base: number, count: number): unknown => {
      if (!this.halAdapter(r).mapRegisterBases.has(base >>> 0)) r.vf.violation(RULES.DmaMapRegistersFreedTwice, count >>> 0, 0, 0, frames);
      this.checkFlushed(r, frames, base >>> 0);
      return this.hal.FreeMapRegisters(adapter, base, count);
    },
    MapTransfer: (r: AdapterRecord, frames: readonly number[], adapter: number, mdl: number, base: number, va: number, length: number, write: number): unknown => {
      this.checkTransfer(r, frames, mdl >>> 0, va >>> 0, this.k.as.u32(length >>> 0));
      const result = this.hal.MapTransfer(adapter, mdl, base, va, length, write);
      r.mapped.set(base >>> 0, (r.mapped.get(base >>> 0) ?? 0) + this.k.as.u32(length >>> 0));
      return result;
    },
    FlushAdapterBuffers: (r: AdapterRecord, _frames: readonly number[], ...args: unknown[]): unknown => {
      r.mapped.delete((args[2] as number) >>> 0);
      return this.hal.FlushAdapterBuffers(...args);
    },
    GetScatterGatherList: (r: AdapterRecord, frames: readonly number[], ...args: unknown[]): unknown => {
      this.checkTransfer(r, frames, (args[2] as number) >>> 0, (args[3] as number) >>> 0, (args[4] as number) >>> 0);
      r.listsGiven++;
      return this.hal.GetScatterGatherList(...args);
    },
    BuildScatterGatherList: (r: AdapterRecord, frames: readonly number[], ...args: unknown[]): unknown => {
      this.checkTransfer(r, frames, (args[2] as number) >>> 0, (args[3] as number) >>> 0, (args[4] as number) >>> 0);
      r.listsGiven++;
      return this.hal.BuildScatterGatherList(...args);
    },
    PutScatterGatherList: (r: AdapterRecord, frames: readonly number[], adapter: number, list: number, write: number): unknown => {
      const a = this.halAdapter(r);
      if (!a.scatterGatherLists.has(list >>> 0) && !a.builtLists.has(list >>> 0)) r.vf.violation(RULES.DmaScatterGatherListFreedTwice, r.listsGiven, r.listsPut + 1, 0, frames);
      r.listsPut++;
      return this.hal.PutScatterGatherList(adapter, list, write);
    },
    AllocateAdapterChannelEx: (r: AdapterRecord, frames: readonly number[], ...args: unknown[]): unknown => {
      const a = this.halAdapter(r);
      const count = (args[3] as number) >>> 0;
      if (count > a.mapRegisters) r.vf.violation(RULES.DmaTooManyMapRegisters, count, a.mapRegisters, 0, frames);
      if (a.channelHeld && !((args[4] as number) & 1)) r.vf.violation(RULES.DmaAdapterChannelAllocatedTwice, 1, 0, 0, frames);
      return this.hal.AllocateAdapterChannelEx(...args);
    },
    MapTransferEx: (r: AdapterRecord, frames: readonly number[], ...args: unknown[]): unknown => {
      const as = this.k.as;
      const mdl = (args[1] as number) >>> 0;
      const va = (as.u32(mdl + M.StartVa!) + as.u32(mdl + M.ByteOffset!) + Number(args[3] as bigint)) >>> 0;
      this.checkTransfer(r, frames, mdl, va, as.u32((args[5] as number) >>> 0));
      const status = this.hal.MapTransferEx(...args);
      const base = (args[2] as number) >>> 0;
      r.mapped.set(base, (r.mapped.get(base) ?? 0) + as.u32((args[5] as number) >>> 0));
      return status;
    },
    FlushAdapterBuffersEx: (r: AdapterRecord, _frames: readonly number[], ...args: unknown[]): unknown => {
      r.mapped.delete((args[2] as number) >>> 0);
      return this.hal.FlushAdapterBuffersEx(...args);
    },
  };

  /** At unload: an adapter the driver got and never put is an adapter reference it still holds (0xE6/0x11). */
  private checkUnload(name: string): void {
    for (const [adapter, gone] of this.released) if (gone.vf.driver.name.toLowerCase() === name.toLowerCase()) this.forget(adapter);
    for (const r of this.records.values()) {
      if (r.vf.driver.name.toLowerCase() !== name.toLowerCase()) continue;
      const rule: VerifierRule = RULES.DmaAdapterNotPut;
      this.k.stacks.frames([this.k.nt.address(UNLOAD_CHECK_ROUTINE, 0x3b)], () =>
        this.k.bugCheck(rule.code, rule.p1!, 1, r.adapter, r.record, undefined, { module: r.vf.driver.name }),
      );
    }
  }
}

/** A fixed offset per routine, so stacks read the same in every run. */
function frameOffset(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 0x16 + (h % 0x40);
}

const verifiers = new WeakMap<Kernel, DmaVerifier>();

export const dmaThunks: ThunkSet = {
  IoGetDmaAdapter: (next: AnyFn, vf: VerifierContext) => {
    const thunk = (...args: unknown[]): unknown => {
      const adapter = (next as Fn)(...args) as number;
      if (adapter) {
        let v = verifiers.get(vf.k);
        if (!v) verifiers.set(vf.k, (v = new DmaVerifier(vf.k)));
        v.adopt(vf, adapter >>> 0);
      }
      return adapter;
    };
    return thunk as AnyFn;
  },
};
