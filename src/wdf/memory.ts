/**
 * WDFMEMORY: a buffer the framework tracks. WdfMemoryCreate allocates it (not zeroed) with the
 * object, and frees it with the object; a preallocated one wraps the driver's buffer and never
 * frees it. Copies are bounds-checked against the buffer (STATUS_BUFFER_TOO_SMALL).
 */
import { POOL_TYPE } from '../nt/pool.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

export class FxMemory extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    parent: FxObject | undefined,
    /** Replaced only by WdfMemoryAssignBuffer, on preallocated memory. */
    public buffer: number,
    public length: number,
    /** The pool tag to free the buffer with; undefined for a preallocated buffer (the driver's). */
    private readonly ownTag: number | undefined,
    /** Framework-owned memory (a request's buffers) is not the driver's to delete. */
    private readonly frameworkOwned = false,
  ) {
    super(fx, g, attributes, parent, FX_TYPE.Memory);
  }

  override get driverMayDelete(): boolean {
    return !this.frameworkOwned;
  }

  /** Made by WdfMemoryCreatePreallocated over the driver's buffer: WdfMemoryAssignBuffer may replace it. */
  get preallocated(): boolean {
    return this.ownTag === undefined && !this.frameworkOwned;
  }

  protected override destroyed(): void {
    if (this.ownTag !== undefined) this.fx.k.ddi.ExFreePoolWithTag(this.buffer, this.ownTag);
  }
}

export function memoryExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const memory = (g: FxDriverGlobals, handle: number) => fx.object<FxMemory>(g, handle, FX_TYPE.Memory);
  return {
    WdfMemoryCreate(g, Attributes: number, PoolType: number, PoolTag: number, BufferSize: number, Memory: number, Buffer: number) {
      fx.require(g, Memory);
      as.setU32(Memory, 0);
      if (BufferSize === 0) return STATUS.INVALID_PARAMETER;
      const attributes = readAttributes(fx, Attributes);
      if (typeof attributes === 'number') return attributes;
      const tag = PoolTag || g.tag;
      const buffer = k.ddi.ExAllocatePoolWithTag(PoolType === POOL_TYPE.NonPagedPool ? POOL_TYPE.NonPagedPoolNx : PoolType, BufferSize, tag) >>> 0;
      if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      const m = new FxMemory(fx, g, attributes, parent, buffer, BufferSize, tag);
      as.setU32(Memory, m.handle);
      if (Buffer) as.setU32(Buffer, buffer);
      return STATUS.SUCCESS;
    },

    WdfMemoryCreatePreallocated(g, Attributes: number, Buffer: number, BufferSize: number, Memory: number) {
      fx.require(g, Buffer);
      fx.require(g, Memory);
      as.setU32(Memory, 0);
      if (BufferSize === 0) return STATUS.INVALID_PARAMETER;
      const attributes = readAttributes(fx, Attributes);
      if (typeof attributes === 'number') return attributes;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      const m = new FxMemory(fx, g, attributes, parent, Buffer, BufferSize, undefined);
      as.setU32(Memory, m.handle);
      return STATUS.SUCCESS;
    },

    WdfMemoryGetBuffer(g, Memory: number, BufferSize: number) {
      const m = memory(g, Memory);
      if (BufferSize) as.setU32(BufferSize, m.length);
      return m.buffer;
    },

    WdfMemoryCopyToBuffer(g, SourceMemory: number, SourceOffset: number, Buffer: number, NumBytesToCopyTo: number) {
      const m = memory(g, SourceMemory);
      fx.require(g, Buffer);
      if (NumBytesToCopyTo === 0) return STATUS.INVALID_PARAMETER;
      if (SourceOffset + NumBytesToCopyTo > m.length) return STATUS.BUFFER_TOO_SMALL;
      as.copy(Buffer, m.buffer + SourceOffset, NumBytesToCopyTo);
      return STATUS.SUCCESS;
    },

    WdfMemoryCopyFromBuffer(g, DestinationMemory: number, DestinationOffset: number, Buffer: number, NumBytesToCopyFrom: number) {
      const m = memory(g, DestinationMemory);
      fx.require(g, Buffer);
      if (NumBytesToCopyFrom === 0) return STATUS.INVALID_PARAMETER;
      if (DestinationOffset + NumBytesToCopyFrom > m.length) return STATUS.BUFFER_TOO_SMALL;
      as.copy(m.buffer + DestinationOffset, Buffer, NumBytesToCopyFrom);
      return STATUS.SUCCESS;
    },
  };
}
