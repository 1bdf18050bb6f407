/**
 * WDFLOOKASIDE: a lookaside list of fixed-size buffers (FxNPagedLookasideList / FxPagedLookasideList)
 * over the kernel's lookaside lists (ExInitialize(N)PagedLookasideList), so the blocks are the
 * kernel's pool, tagged with the list's tag, and the verifier's pool tracking sees them. Each
 * WdfMemoryCreateFromLookaside is a WDFMEMORY over a block from the list (not zeroed), with the
 * memory attributes the list was created with; deleting it gives the block back. A memory object
 * holds a reference on its list: a list deleted while buffers are out goes when the last returns.
 *
 * WdfMemoryAssignBuffer (wdfmemory.h) is here too: it replaces the buffer of preallocated memory.
 */
import { NPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxMemory } from './memory.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

/** PagedPool and its variants have bit 0 set (PagedPool 1, PagedPoolCacheAligned 5, ...). */
const isPaged = (poolType: number) => (poolType & 1) !== 0;

export class FxLookasideList extends FxObject {
  /** The kernel's (N)PAGED_LOOKASIDE_LIST, a block of the framework's. */
  readonly list: number;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    parent: FxObject | undefined,
    readonly bufferSize: number,
    readonly paged: boolean,
    readonly tag: number,
    /** The attributes of each WDFMEMORY from the list. */
    readonly memoryAttributes: FxAttributes,
  ) {
    super(fx, g, attributes, parent, FX_TYPE.Lookaside);
    const size = paged ? PAGED_LOOKASIDE_LIST.size : NPAGED_LOOKASIDE_LIST.size;
    this.list = fx.allocate(size, g.tag);
    fx.k.as.zero(this.list, size);
    if (paged) fx.k.ddi.ExInitializePagedLookasideList(this.list, 0, 0, 0, bufferSize, tag, 0);
    else fx.k.ddi.ExInitializeNPagedLookasideList(this.list, 0, 0, 0, bufferSize, tag, 0);
  }

  allocateBlock(): number {
    return (this.paged ? this.fx.k.ddi.ExAllocateFromPagedLookasideList(this.list) : this.fx.k.ddi.ExAllocateFromNPagedLookasideList(this.list)) >>> 0;
  }

  freeBlock(block: number): void {
    if (this.paged) this.fx.k.ddi.ExFreeToPagedLookasideList(this.list, block);
    else this.fx.k.ddi.ExFreeToNPagedLookasideList(this.list, block);
  }

  /** The last buffer is back (or none was out): the kernel's list and its cached blocks go. */
  protected override destroyed(): void {
    if (this.paged) this.fx.k.ddi.ExDeletePagedLookasideList(this.list);
    else this.fx.k.ddi.ExDeleteNPagedLookasideList(this.list);
    this.fx.free(this.list, this.globals.tag);
  }
}

/** A WDFMEMORY whose buffer is a block of a lookaside list (FxMemoryBufferFromLookaside). */
class FxLookasideMemory extends FxMemory {
  constructor(fx: Framework, g: FxDriverGlobals, parent: FxObject | undefined, readonly lookaside: FxLookasideList, block: number) {
    super(fx, g, lookaside.memoryAttributes, parent, block, lookaside.bufferSize, undefined);
    lookaside.reference();
  }

  override get preallocated(): boolean {
    return false;
  }

  protected override destroyed(): void {
    this.lookaside.freeBlock(this.buffer);
    this.lookaside.dereference();
  }
}

export function lookasideExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfLookasideListCreate(g, LookasideAttributes: number, BufferSize: number, PoolType: number, MemoryAttributes: number, PoolTag: number, Lookaside: number) {
      fx.require(g, Lookaside);
      as.setU32(Lookaside, 0);
      if (BufferSize === 0) return STATUS.INVALID_PARAMETER;
      const attributes = readAttributes(fx, LookasideAttributes);
      if (typeof attributes === 'number') return attributes;
      const memoryAttributes = readAttributes(fx, MemoryAttributes);
      if (typeof memoryAttributes === 'number') return memoryAttributes;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      const list = new FxLookasideList(fx, g, attributes, parent, BufferSize >>> 0, isPaged(PoolType), PoolTag || g.tag, memoryAttributes);
      as.setU32(Lookaside, list.handle);
      return STATUS.SUCCESS;
    },

    WdfMemoryCreateFromLookaside(g, Lookaside: number, Memory: number) {
      const list = fx.object<FxLookasideList>(g, Lookaside, FX_TYPE.Lookaside);
      fx.require(g, Memory);
      as.setU32(Memory, 0);
      const block = list.allocateBlock();
      if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
      const parent = list.memoryAttributes.parent ? fx.object(g, list.memoryAttributes.parent) : g.driver;
      as.setU32(Memory, new FxLookasideMemory(fx, g, parent, list, block).handle);
      return STATUS.SUCCESS;
    },

    /** Only memory WdfMemoryCreatePreallocated made takes another buffer. */
    WdfMemoryAssignBuffer(g, Memory: number, Buffer: number, BufferSize: number) {
      const m = fx.object<FxMemory>(g, Memory, FX_TYPE.Memory);
      fx.require(g, Buffer);
      if (BufferSize === 0) return STATUS.INVALID_PARAMETER;
      if (!m.preallocated) {
        g.record('FxMemoryBufferPreallocated::UpdateBuffer', `WDFMEMORY 0x${Memory.toString(16)} was not created by WdfMemoryCreatePreallocated`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      m.buffer = Buffer >>> 0;
      m.length = BufferSize >>> 0;
      return STATUS.SUCCESS;
    },
  };
}
