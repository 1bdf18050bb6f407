/**
 * DMA adapters: IoGetDmaAdapter returns a DMA_ADAPTER whose DMA_OPERATIONS table (allocated with it)
 * points at the routines below and in dma-ex.ts (versions 2 and 3), each an nt routine a driver calls
 * through the pointer. Bus (logical) addresses are the machine's virtual addresses one to one, as
 * behind an identity-mapped IOMMU, so the device model reaches a transfer's memory by its logical
 * address (Dma.deviceRead/deviceWrite). Scatter/gather lists have one element per page, since
 * physical pages need not be contiguous. A driver's execution routines run at DISPATCH_LEVEL.
 *
 * A bus master (DEVICE_DESCRIPTION.Master) gets an adapter of its own; a slave device gets one on a
 * system DMA channel (system-dma.ts) when a controller serves its channel or request line, and
 * MapTransfer starts the channel's transfer (ReadDmaCounter counts what is left).
 * Driver Verifier's DMA checks (0xE6) wrap this table (src/verifier/thunks/dma.ts).
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { DEVICE_DESCRIPTION, DEVICE_OBJECT, DMA_ADAPTER, DMA_OPERATIONS, DMA_OPERATION_NAMES, MDL_LAYOUT, SCATTER_GATHER_ELEMENT, SCATTER_GATHER_ELEMENTS, SCATTER_GATHER_LIST, type DmaOperationName } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import { PAGE_SIZE } from '../mm/address-space.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { extendedOperations } from './dma-ex.ts';
import { SystemDmaControllers, type SystemDmaController, type SystemTransfer } from './system-dma.ts';

const DD = DEVICE_DESCRIPTION.off;
const OPS = DMA_OPERATIONS.off;
const M = MDL_LAYOUT.off;
const SG = SCATTER_GATHER_LIST.off;
const SGE = SCATTER_GATHER_ELEMENT.off;

/** The most map registers an adapter hands out (a transfer of 1 MiB). */
export const MAX_MAP_REGISTERS = 257;
/** IO_ALLOCATION_ACTION. */
export const IO_ALLOCATION_ACTION = { KeepObject: 1, DeallocateObject: 2, DeallocateObjectKeepRegisters: 3 } as const;
/** DMA_COMPLETION_STATUS. */
export const DMA_COMPLETION_STATUS = { DmaComplete: 0, DmaAborted: 1, DmaError: 2, DmaCancelled: 3 } as const;

/** The nt routine behind each table entry, as the HAL names it. */
export const DMA_ROUTINE_NAMES: Record<DmaOperationName, string> = Object.fromEntries(DMA_OPERATION_NAMES.map((n) => [n, `Hal${n}`])) as Record<DmaOperationName, string>;

export interface ChannelRequest {
  readonly deviceObject: number;
  readonly mapRegisters: number;
  readonly routine: number;
  readonly context: number;
  /** AllocateAdapterChannelEx's DMA transfer context (0 for AllocateAdapterChannel). */
  readonly transferContext: number;
}

/** The system DMA channel a slave device's adapter drives. */
export interface SystemChannel {
  readonly controller: SystemDmaController;
  /** The ISA channel or the request line. */
  readonly channel: number;
  readonly deviceAddress: bigint;
  transfer?: SystemTransfer;
}

export interface Adapter {
  readonly address: number;
  readonly pdo: number;
  /** The DEVICE_DESCRIPTION version asked for (0 counts as 1). */
  readonly version: number;
  readonly dmaAddressWidth: number;
  readonly mapRegisters: number;
  /** A slave device's channel; undefined for a bus master. */
  readonly system?: SystemChannel;
  /** Transfer contexts InitializeDmaTransferContext set up. */
  readonly transferContexts: Set<number>;
  /** Lists BuildScatterGatherList(Ex) wrote into the driver's buffers: PutScatterGatherList frees none of them. */
  readonly builtLists: Set<number>;
  readonly commonBuffers: Map<number, { length: number; logical: bigint }>;
  readonly scatterGatherLists: Set<number>;
  readonly mapRegisterBases: Set<number>;
  /** The adapter channel is held (AllocateAdapterChannel's routine returned KeepObject, or is running). */
  channelHeld: boolean;
  /** The map register base allocated with the channel, until FreeAdapterChannel or FreeMapRegisters. */
  channelRegisters: number;
  readonly waiting: ChannelRequest[];
}

/** Logical (bus) address of a virtual address: one to one here. */
export const logicalAddress = (va: number): bigint => BigInt(va >>> 0);

export class Dma {
  readonly adapters = new Map<number, Adapter>();
  readonly controllers = new SystemDmaControllers();
  private routines?: Record<DmaOperationName, number>;

  constructor(private readonly k: Kernel) {}

  /** What the device reads from memory by bus address (a transfer to the device). */
  deviceRead(logical: bigint, length: number): Uint8Array {
    return this.k.as.read(Number(logical), length);
  }

  /** What the device writes to memory by bus address (a transfer from the device). */
  deviceWrite(logical: bigint, data: Uint8Array): void {
    this.k.as.write(Number(logical), data);
  }

  /**
   * IoGetDmaAdapter: a bus master's adapter, or a slave's on the system DMA channel its description
   * names; NULL for a channel or request line no controller serves, and for an unknown version (> 3).
   */
  getAdapter(pdo: number, description: number, numberOfMapRegisters: number): number {
    const as = this.k.as;
    const version = Math.max(1, as.u32(description + DD.Version));
    if (version > 3) return 0;
    const master = as.u8(description + DD.Master) !== 0;
    let system: SystemChannel | undefined;
    if (!master) {
      const channel = version >= 3 ? as.u32(description + DD.DmaRequestLine) : as.u32(description + DD.DmaChannel);
      const controller = this.controllers.find(version, as.i32(description + DD.InterfaceType), channel, as.u32(description + DD.DmaControllerInstance), channel);
      if (!controller) return 0;
      system = { controller, channel, deviceAddress: version >= 3 ? as.u64(description + DD.DeviceAddress) : 0n };
    }
    const maximumLength = as.u32(description + DD.MaximumLength);
    const mapRegisters = Math.min(MAX_MAP_REGISTERS, Math.ceil(maximumLength / PAGE_SIZE) + 1);
    const width = version >= 3 ? as.u32(description + DD.DmaAddressWidth) : as.u8(description + DD.Dma64BitAddresses) ? 64 : 32;
    const size = DMA_ADAPTER.size + DMA_OPERATIONS.size;
    const address = this.k.tryAllocateKernelObject(size, TAG.Dma);
    if (address === 0) return 0;
    const ops = address + DMA_ADAPTER.size;
    as.setU16(address + DMA_ADAPTER.off.Version!, version);
    as.setU16(address + DMA_ADAPTER.off.Size!, DMA_ADAPTER.size);
    as.setU32(address + DMA_ADAPTER.off.DmaOperations!, ops);
    as.setU32(ops + OPS.Size!, DMA_OPERATIONS.size);
    const routines = this.routineAddresses();
    for (const name of DMA_OPERATION_NAMES) as.setU32(ops + OPS[name]!, routines[name]);
    this.adapters.set(address, {
      address,
      pdo,
      version,
      dmaAddressWidth: width || 32,
      mapRegisters,
      system,
      transferContexts: new Set(),
      builtLists: new Set(),
      commonBuffers: new Map(),
      scatterGatherLists: new Set(),
      mapRegisterBases: new Set(),
      channelHeld: false,
      channelRegisters: 0,
      waiting: [],
    });
    as.setU32(numberOfMapRegisters, mapRegisters);
    return address;
  }

  /** The nt addresses of the table's routines, registered on first use (after the export table, so nothing moves). */
  private routineAddresses(): Record<DmaOperationName, number> {
    if (this.routines) return this.routines;
    const k = this.k;
    k.nt.addRoutines(DMA_OPERATION_NAMES.map((n) => DMA_ROUTINE_NAMES[n]));
    const ops = this.operations();
    const out = {} as Record<DmaOperationName, number>;
    for (const name of DMA_OPERATION_NAMES) {
      out[name] = k.nt.address(DMA_ROUTINE_NAMES[name]);
      k.registerRoutine(out[name], ops[name] as never, 'nt');
    }
    this.routines = out;
    return out;
  }

  adapter(address: number): Adapter {
    const a = this.adapters.get(address >>> 0);
    if (!a) return this.k.hang(`a DMA operation on ${(address >>> 0).toString(16)}, which is no DMA adapter (put already, or never got): its table is garbage`);
    return a;
  }

  /** Run a driver's routine at DISPATCH_LEVEL (as the HAL does, whatever the caller's IRQL). */
  atDispatch<T>(body: () => T): T {
    const old = this.k.prcb.irql;
    if (old < DISPATCH_LEVEL) this.k.prcb.irql = DISPATCH_LEVEL;
    const result = body();
    if (old < DISPATCH_LEVEL) this.k.ddi.KeLowerIrql(old);
    return result;
  }

  /** The channel and a map register base of `mapRegisters` registers: the adapter's until freed. */
  takeChannel(a: Adapter, mapRegisters: number): number {
    a.channelHeld = true;
    const base = this.k.allocateKernelObject(8, TAG.Dma);
    this.k.as.setU32(base, mapRegisters);
    a.mapRegisterBases.add(base);
    a.channelRegisters = base;
    return base;
  }

  /** What an execution routine's IO_ALLOCATION_ACTION says to do with the channel and its registers. */
  applyAction(a: Adapter, base: number, action: number): void {
    if (action === IO_ALLOCATION_ACTION.KeepObject) return;
    if (action === IO_ALLOCATION_ACTION.DeallocateObject) this.freeMapRegisters(a, base);
    a.channelRegisters = 0;
    this.releaseChannel(a);
  }

  grantChannel(a: Adapter, r: ChannelRequest): void {
    const k = this.k;
    const base = this.takeChannel(a, r.mapRegisters);
    const irp = k.as.u32(r.deviceObject + DEVICE_OBJECT.off.CurrentIrp!);
    const action = this.atDispatch(() => k.callRoutine(r.routine, [r.deviceObject, irp, base, r.context], [DMA_ROUTINE_NAMES.AllocateAdapterChannel]) as number) >>> 0;
    this.applyAction(a, base, action);
  }

  // ---- system DMA ----------------------------------------------------------------------------

  /** Program a slave adapter's channel with a transfer; it runs to its end at once unless its controller is held. */
  startSystemTransfer(a: Adapter, transfer: Omit<SystemTransfer, 'remaining'>): void {
    const channel = a.system!;
    channel.transfer = { ...transfer, remaining: transfer.length };
    if (!channel.controller.held) this.completeSystemTransfer(a.address);
  }

  /**
   * The device model ends a slave adapter's transfer: the data moves (logged by the controller), the
   * counter reaches 0, and MapTransferEx's completion routine runs at DISPATCH_LEVEL with DmaComplete.
   */
  completeSystemTransfer(adapter: number): void {
    const a = this.adapter(adapter);
    const t = a.system?.transfer;
    if (!t || t.remaining === 0) return;
    const controller = a.system!.controller;
    let data: Uint8Array;
    if (t.toDevice) data = this.k.as.read(t.va, t.length);
    else {
      data = controller.source?.(t.length) ?? new Uint8Array(t.length);
      this.k.as.write(t.va, data.subarray(0, t.length));
    }
    controller.transfers.push({ channel: a.system!.channel, toDevice: t.toDevice, deviceAddress: t.deviceAddress, data });
    t.remaining = 0;
    this.completeTransfer(a, t, DMA_COMPLETION_STATUS.DmaComplete);
  }

  /** Call a MapTransferEx completion routine (DMA_COMPLETION_ROUTINE) with the transfer's end status. */
  completeTransfer(a: Adapter, t: SystemTransfer, status: number): void {
    if (t.completion === 0) return;
    this.atDispatch(() => this.k.callRoutine(t.completion, [a.address, t.deviceObject, t.completionContext, status], [DMA_ROUTINE_NAMES.MapTransferEx]));
  }

  releaseChannel(a: Adapter): void {
    a.channelHeld = false;
    const next = a.waiting.shift();
    if (next) this.grantChannel(a, next);
  }

  freeMapRegisters(a: Adapter, base: number): void {
    if (!a.mapRegisterBases.delete(base)) return;
    this.k.freeKernelObject(base);
  }

  /** The pages of [va, va + length) an MDL describes, one element each: [logical address, length]. */
  elements(mdl: number, va: number, length: number): Array<[bigint, number]> | undefined {
    const as = this.k.as;
    const start = as.u32(mdl + M.StartVa!) + as.u32(mdl + M.ByteOffset!);
    const end = start + as.u32(mdl + M.ByteCount!);
    if (va < start || va + length > end) return undefined;
    const out: Array<[bigint, number]> = [];
    for (let p = va; p < va + length; ) {
      const n = Math.min(va + length, (Math.floor(p / PAGE_SIZE) + 1) * PAGE_SIZE) - p;
      out.push([logicalAddress(p), n]);
      p += n;
    }
    return out;
  }

  /** Write a scatter/gather list of `elements` at `list` (room for them checked by the caller). */
  writeList(list: number, elements: ReadonlyArray<[bigint, number]>): void {
    const as = this.k.as;
    as.setU32(list + SG.NumberOfElements!, elements.length);
    as.setU32(list + SG.Reserved!, 0);
    elements.forEach(([logical, length], i) => {
      const e = list + SCATTER_GATHER_ELEMENTS + i * SCATTER_GATHER_ELEMENT.size;
      as.setU64(e + SGE.Address!, logical);
      as.setU32(e + SGE.Length!, length);
      as.setU32(e + SGE.Reserved!, 0);
    });
  }

  /** The routines of the table, as the kernel calls them (TypeScript drivers call these through the pointers). */
  operations(): Record<DmaOperationName, (...args: never[]) => unknown> {
    const k = this.k;
    const as = k.as;
    return {
      PutDmaAdapter: (DmaAdapter: number): void => {
        const a = this.adapter(DmaAdapter);
        this.adapters.delete(a.address);
        k.freeKernelObject(a.address);
      },
      AllocateCommonBuffer: (DmaAdapter: number, Length: number, LogicalAddress: number, _CacheEnabled: number): number => {
        const a = this.adapter(DmaAdapter);
        const length = Length >>> 0;
        if (length === 0) return 0;
        const va = k.tryAllocateKernelObject(length, TAG.Dma);
        if (va === 0) return 0;
        as.zero(va, length);
        a.commonBuffers.set(va, { length, logical: logicalAddress(va) });
        as.setU64(LogicalAddress >>> 0, logicalAddress(va));
        return va;
      },
      FreeCommonBuffer: (DmaAdapter: number, _Length: number, _LogicalAddress: bigint, VirtualAddress: number, _CacheEnabled: number): void => {
        const a = this.adapter(DmaAdapter);
        if (!a.commonBuffers.delete(VirtualAddress >>> 0)) return;
        k.freeKernelObject(VirtualAddress >>> 0);
      },
      AllocateAdapterChannel: (DmaAdapter: number, DeviceObject: number, NumberOfMapRegisters: number, ExecutionRoutine: number, Context: number): number => {
        const a = this.adapter(DmaAdapter);
        if (NumberOfMapRegisters >>> 0 > a.mapRegisters) return STATUS.INSUFFICIENT_RESOURCES;
        const request = { deviceObject: DeviceObject >>> 0, mapRegisters: NumberOfMapRegisters >>> 0, routine: ExecutionRoutine >>> 0, context: Context >>> 0, transferContext: 0 };
        // A held channel: the request waits its turn, and its routine runs when the channel is freed.
        if (a.channelHeld) a.waiting.push(request);
        else this.grantChannel(a, request);
        return STATUS.SUCCESS;
      },
      /** Nothing is cached between the device and memory here; a system channel's transfer ends (its counter stays). */
      FlushAdapterBuffers: (DmaAdapter: number, _Mdl: number, _MapRegisterBase: number, _CurrentVa: number, _Length: number, _WriteToDevice: number): number => {
        const a = this.adapter(DmaAdapter);
        if (a.system) a.system.transfer = undefined;
        return 1;
      },
      FreeAdapterChannel: (DmaAdapter: number): void => {
        const a = this.adapter(DmaAdapter);
        if (!a.channelHeld) return;
        if (a.channelRegisters) this.freeMapRegisters(a, a.channelRegisters);
        a.channelRegisters = 0;
        this.releaseChannel(a);
      },
      FreeMapRegisters: (DmaAdapter: number, MapRegisterBase: number, _NumberOfMapRegisters: number): void => {
        this.freeMapRegisters(this.adapter(DmaAdapter), MapRegisterBase >>> 0);
      },
      /**
       * The logical address of CurrentVa. A bus master's *Length shrinks to the end of its page (the next
       * may lie elsewhere); a system channel's map registers make the whole span contiguous, and its
       * transfer starts.
       */
      MapTransfer: (DmaAdapter: number, Mdl: number, _MapRegisterBase: number, CurrentVa: number, Length: number, WriteToDevice: number): bigint => {
        const a = this.adapter(DmaAdapter);
        const va = CurrentVa >>> 0;
        const length = as.u32(Length >>> 0);
        if (a.system) {
          this.startSystemTransfer(a, { va, length, toDevice: (WriteToDevice & 0xff) !== 0, deviceAddress: a.system.deviceAddress, completion: 0, completionContext: 0, deviceObject: 0 });
          return logicalAddress(va);
        }
        const first = this.elements(Mdl >>> 0, va, Math.max(1, length))?.[0];
        if (!first) return logicalAddress(va);
        as.setU32(Length >>> 0, first[1]);
        return first[0];
      },
      /** No alignment beyond a byte for a bus master here. */
      GetDmaAlignment: (DmaAdapter: number): number => {
        this.adapter(DmaAdapter);
        return 1;
      },
      /** The bytes a system channel's transfer has left; a bus master has no counter: 0. */
      ReadDmaCounter: (DmaAdapter: number): number => {
        return this.adapter(DmaAdapter).system?.transfer?.remaining ?? 0;
      },
      GetScatterGatherList: (DmaAdapter: number, DeviceObject: number, Mdl: number, CurrentVa: number, Length: number, ExecutionRoutine: number, Context: number, _WriteToDevice: number): number => {
        const a = this.adapter(DmaAdapter);
        const elements = this.elements(Mdl >>> 0, CurrentVa >>> 0, Length >>> 0);
        if (!elements) return STATUS.BUFFER_TOO_SMALL;
        if (elements.length > a.mapRegisters) return STATUS.INSUFFICIENT_RESOURCES;
        const list = k.tryAllocateKernelObject(SCATTER_GATHER_ELEMENTS + elements.length * SCATTER_GATHER_ELEMENT.size, TAG.Dma);
        if (list === 0) return STATUS.INSUFFICIENT_RESOURCES;
        this.writeList(list, elements);
        a.scatterGatherLists.add(list);
        const irp = as.u32((DeviceObject >>> 0) + DEVICE_OBJECT.off.CurrentIrp!);
        this.atDispatch(() => k.callRoutine(ExecutionRoutine >>> 0, [DeviceObject >>> 0, irp, list, Context >>> 0], [DMA_ROUTINE_NAMES.GetScatterGatherList]));
        return STATUS.SUCCESS;
      },
      PutScatterGatherList: (DmaAdapter: number, ScatterGather: number, _WriteToDevice: number): void => {
        const a = this.adapter(DmaAdapter);
        // A list built in the driver's buffer gives back only its map registers.
        if (a.builtLists.delete(ScatterGather >>> 0)) return;
        if (!a.scatterGatherLists.delete(ScatterGather >>> 0)) return;
        k.freeKernelObject(ScatterGather >>> 0);
      },
      ...extendedOperations(k, this),
    };
  }
}

export function dmaExports(k: Kernel) {
  return {
    /**
     * PASSIVE_LEVEL. The adapter, and in *NumberOfMapRegisters the most map registers one transfer may use;
     * NULL for a system DMA channel or request line no controller serves, or a description version above 3.
     */
    IoGetDmaAdapter(PhysicalDeviceObject: number, DeviceDescription: number, NumberOfMapRegisters: number): number {
      return k.hal.dma.getAdapter(PhysicalDeviceObject >>> 0, DeviceDescription >>> 0, NumberOfMapRegisters >>> 0);
    },
  };
}
