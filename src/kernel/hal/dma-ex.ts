/**
 * The version 2 and 3 routines of a DMA_OPERATIONS table (wdm.h order), over the adapters of dma.ts:
 * scatter/gather lists in the driver's own buffer, adapter and transfer information, DMA transfer
 * contexts, AllocateAdapterChannelEx (with DMA_SYNCHRONOUS_CALLBACK: the channel at once or not at
 * all), MapTransferEx with its completion routine (a system channel's transfer), FlushAdapterBuffersEx,
 * FreeAdapterObject and the cancels. Offsets are from the start of the MDL's buffer; one MDL per
 * transfer (a chain's further MDLs are not followed).
 *
 * Not modelled: BuildMdlFromScatterGatherList and ConfigureAdapterChannel (STATUS_NOT_IMPLEMENTED, as
 * a HAL without those functions answers), NUMA nodes, address limits (MaximumAddress).
 */
import { DEVICE_OBJECT, DMA_ADAPTER_INFO, DMA_TRANSFER_INFO, MDL_LAYOUT, SCATTER_GATHER_ELEMENT, SCATTER_GATHER_ELEMENTS } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import { addressAndSizeToSpanPages } from '../io/mdl.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { DMA_COMPLETION_STATUS, DMA_ROUTINE_NAMES, type Adapter, type Dma } from './dma.ts';

const M = MDL_LAYOUT.off;
const AI = DMA_ADAPTER_INFO.off;
const TI = DMA_TRANSFER_INFO.off;

/** DMA_TRANSFER_CONTEXT_SIZE_V1: the opaque context drivers allocate. */
export const DMA_TRANSFER_CONTEXT_SIZE_V1 = 128;
const DMA_TRANSFER_CONTEXT_VERSION1 = 1;
export const DMA_SYNCHRONOUS_CALLBACK = 0x1;
const ADAPTER_INFO_SYNCHRONOUS_CALLBACK = 0x1;
const VERSION1 = 1;

/** Bytes a list of `n` elements takes. */
export const listSize = (n: number): number => SCATTER_GATHER_ELEMENTS + n * SCATTER_GATHER_ELEMENT.size;

export function extendedOperations(k: Kernel, dma: Dma) {
  const as = k.as;
  const mdlVa = (mdl: number): number => (as.u32(mdl + M.StartVa!) + as.u32(mdl + M.ByteOffset!)) >>> 0;
  const irpOf = (device: number): number => (device ? as.u32(device + DEVICE_OBJECT.off.CurrentIrp!) : 0);

  /** Build a list for [va, va+length) of the MDL at `list` (or a new pool block when `list` is 0); 0 and a status when it cannot. */
  const buildList = (a: Adapter, mdl: number, va: number, length: number, buffer: number, bufferLength: number): { list: number; status: number } => {
    const elements = dma.elements(mdl, va, length);
    if (!elements) return { list: 0, status: STATUS.BUFFER_TOO_SMALL };
    if (elements.length > a.mapRegisters) return { list: 0, status: STATUS.INSUFFICIENT_RESOURCES };
    const size = listSize(elements.length);
    if (buffer !== 0) {
      if (bufferLength < size) return { list: 0, status: STATUS.BUFFER_TOO_SMALL };
      dma.writeList(buffer, elements);
      a.builtLists.add(buffer);
      return { list: buffer, status: STATUS.SUCCESS };
    }
    const list = k.tryAllocateKernelObject(size, TAG.Dma);
    if (list === 0) return { list: 0, status: STATUS.INSUFFICIENT_RESOURCES };
    dma.writeList(list, elements);
    a.scatterGatherLists.add(list);
    return { list, status: STATUS.SUCCESS };
  };

  /** Hand a built list to the driver's DRIVER_LIST_CONTROL routine at DISPATCH_LEVEL. */
  const deliver = (device: number, list: number, routine: number, context: number, frame: string): void => {
    dma.atDispatch(() => k.callRoutine(routine, [device, irpOf(device), list, context], [frame]));
  };

  /** The list routines with a transfer context (GetScatterGatherListEx, BuildScatterGatherListEx). */
  const listEx = (
    frame: string,
    DmaAdapter: number,
    DeviceObject: number,
    Mdl: number,
    Offset: bigint,
    Length: number,
    Flags: number,
    ExecutionRoutine: number,
    Context: number,
    buffer: number,
    bufferLength: number,
    out: number,
  ): number => {
    const a = dma.adapter(DmaAdapter);
    const { list, status } = buildList(a, Mdl >>> 0, (mdlVa(Mdl >>> 0) + Number(Offset)) >>> 0, Length >>> 0, buffer, bufferLength);
    if (status !== STATUS.SUCCESS) return status;
    if (Flags & DMA_SYNCHRONOUS_CALLBACK) {
      if (out !== 0) as.setU32(out, list);
      if (ExecutionRoutine !== 0) deliver(DeviceObject >>> 0, list, ExecutionRoutine >>> 0, Context >>> 0, frame);
    } else deliver(DeviceObject >>> 0, list, ExecutionRoutine >>> 0, Context >>> 0, frame);
    return STATUS.SUCCESS;
  };

  return {
    /** The size of the list GetScatterGatherList would build, and the map registers it takes (Mdl may be NULL: CurrentVa alone). */
    CalculateScatterGatherList: (DmaAdapter: number, _Mdl: number, CurrentVa: number, Length: number, ScatterGatherListSize: number, pNumberOfMapRegisters: number): number => {
      dma.adapter(DmaAdapter);
      const pages = addressAndSizeToSpanPages(CurrentVa >>> 0, Length >>> 0);
      as.setU32(ScatterGatherListSize >>> 0, listSize(pages));
      if (pNumberOfMapRegisters >>> 0) as.setU32(pNumberOfMapRegisters >>> 0, pages);
      return STATUS.SUCCESS;
    },
    /** GetScatterGatherList into the driver's buffer (STATUS_BUFFER_TOO_SMALL when it is short). */
    BuildScatterGatherList: (DmaAdapter: number, DeviceObject: number, Mdl: number, CurrentVa: number, Length: number, ExecutionRoutine: number, Context: number, _WriteToDevice: number, ScatterGatherBuffer: number, ScatterGatherLength: number): number => {
      const a = dma.adapter(DmaAdapter);
      if (ScatterGatherBuffer >>> 0 === 0) return STATUS.INVALID_PARAMETER;
      const { list, status } = buildList(a, Mdl >>> 0, CurrentVa >>> 0, Length >>> 0, ScatterGatherBuffer >>> 0, ScatterGatherLength >>> 0);
      if (status === STATUS.SUCCESS) deliver(DeviceObject >>> 0, list, ExecutionRoutine >>> 0, Context >>> 0, DMA_ROUTINE_NAMES.BuildScatterGatherList);
      return status;
    },
    BuildMdlFromScatterGatherList: (DmaAdapter: number, _ScatterGather: number, _OriginalMdl: number, _TargetMdl: number): number => {
      dma.adapter(DmaAdapter);
      return STATUS.NOT_IMPLEMENTED;
    },
    GetDmaAdapterInfo: (DmaAdapter: number, AdapterInfo: number): number => {
      const a = dma.adapter(DmaAdapter);
      const info = AdapterInfo >>> 0;
      if (as.u32(info + AI.Version!) !== VERSION1) return STATUS.INVALID_PARAMETER;
      as.setU32(info + AI['V1.ReadDmaCounterAvailable']!, a.system ? 1 : 0);
      as.setU32(info + AI['V1.ScatterGatherLimit']!, a.mapRegisters);
      as.setU32(info + AI['V1.DmaAddressWidth']!, a.dmaAddressWidth);
      as.setU32(info + AI['V1.Flags']!, ADAPTER_INFO_SYNCHRONOUS_CALLBACK);
      as.setU32(info + AI['V1.MinimumTransferUnit']!, 1);
      return STATUS.SUCCESS;
    },
    GetDmaTransferInfo: (DmaAdapter: number, Mdl: number, Offset: bigint, Length: number, _WriteOnly: number, TransferInfo: number): number => {
      dma.adapter(DmaAdapter);
      const info = TransferInfo >>> 0;
      if (as.u32(info + TI.Version!) !== VERSION1) return STATUS.INVALID_PARAMETER;
      const pages = addressAndSizeToSpanPages((mdlVa(Mdl >>> 0) + Number(Offset)) >>> 0, Length >>> 0);
      as.setU32(info + TI['V1.MapRegisterCount']!, pages);
      as.setU32(info + TI['V1.ScatterGatherElementCount']!, pages);
      as.setU32(info + TI['V1.ScatterGatherListSize']!, listSize(pages));
      return STATUS.SUCCESS;
    },
    /** The context is opaque: a version and the adapter it belongs to, the rest zero. */
    InitializeDmaTransferContext: (DmaAdapter: number, DmaTransferContext: number): number => {
      const a = dma.adapter(DmaAdapter);
      const ctx = DmaTransferContext >>> 0;
      if (ctx === 0) return STATUS.INVALID_PARAMETER;
      as.zero(ctx, DMA_TRANSFER_CONTEXT_SIZE_V1);
      as.setU32(ctx, DMA_TRANSFER_CONTEXT_VERSION1);
      as.setU32(ctx + 4, a.address);
      a.transferContexts.add(ctx);
      return STATUS.SUCCESS;
    },
    AllocateCommonBufferEx: (DmaAdapter: number, _MaximumAddress: number, Length: number, LogicalAddress: number, CacheEnabled: number, _PreferredNode: number): number =>
      dma.operations().AllocateCommonBuffer(DmaAdapter as never, Length as never, LogicalAddress as never, CacheEnabled as never) as number,
    /**
     * AllocateAdapterChannel with a transfer context. With DMA_SYNCHRONOUS_CALLBACK the channel is
     * granted now or the call fails (STATUS_INSUFFICIENT_RESOURCES), *MapRegisterBase receives the base,
     * and the execution routine (optional then) runs before the return.
     */
    AllocateAdapterChannelEx: (DmaAdapter: number, DeviceObject: number, DmaTransferContext: number, NumberOfMapRegisters: number, Flags: number, ExecutionRoutine: number, ExecutionContext: number, MapRegisterBase: number): number => {
      const a = dma.adapter(DmaAdapter);
      if (NumberOfMapRegisters >>> 0 > a.mapRegisters) return STATUS.INSUFFICIENT_RESOURCES;
      if (!a.transferContexts.has(DmaTransferContext >>> 0)) return STATUS.INVALID_PARAMETER;
      if (Flags & DMA_SYNCHRONOUS_CALLBACK) {
        if (a.channelHeld) return STATUS.INSUFFICIENT_RESOURCES;
        const base = dma.takeChannel(a, NumberOfMapRegisters >>> 0);
        if (MapRegisterBase >>> 0) as.setU32(MapRegisterBase >>> 0, base);
        if (ExecutionRoutine >>> 0) {
          const device = DeviceObject >>> 0;
          const action = dma.atDispatch(() => k.callRoutine(ExecutionRoutine >>> 0, [device, irpOf(device), base, ExecutionContext >>> 0], [DMA_ROUTINE_NAMES.AllocateAdapterChannelEx]) as number) >>> 0;
          dma.applyAction(a, base, action);
        }
        return STATUS.SUCCESS;
      }
      if (ExecutionRoutine >>> 0 === 0) return STATUS.INVALID_PARAMETER;
      const request = { deviceObject: DeviceObject >>> 0, mapRegisters: NumberOfMapRegisters >>> 0, routine: ExecutionRoutine >>> 0, context: ExecutionContext >>> 0, transferContext: DmaTransferContext >>> 0 };
      if (a.channelHeld) a.waiting.push(request);
      else dma.grantChannel(a, request);
      return STATUS.SUCCESS;
    },
    ConfigureAdapterChannel: (DmaAdapter: number, _FunctionNumber: number, _Context: number): number => {
      dma.adapter(DmaAdapter);
      return STATUS.NOT_IMPLEMENTED;
    },
    /** TRUE when the request of this transfer context was still waiting for the channel (it never runs now). */
    CancelAdapterChannel: (DmaAdapter: number, _DeviceObject: number, DmaTransferContext: number): number => {
      const a = dma.adapter(DmaAdapter);
      const i = a.waiting.findIndex((r) => r.transferContext === DmaTransferContext >>> 0);
      if (i < 0) return 0;
      a.waiting.splice(i, 1);
      return 1;
    },
    /**
     * Map [Offset, Offset + *Length) of the MDL's buffer. A system channel's transfer starts (to or from
     * DeviceOffset) and DmaCompletionRoutine runs when it ends; a bus master's list is written into
     * ScatterGatherBuffer. *Length shrinks to what the MDL holds.
     */
    MapTransferEx: (DmaAdapter: number, Mdl: number, _MapRegisterBase: number, Offset: bigint, DeviceOffset: number, Length: number, WriteToDevice: number, ScatterGatherBuffer: number, ScatterGatherBufferLength: number, DmaCompletionRoutine: number, CompletionContext: number): number => {
      const a = dma.adapter(DmaAdapter);
      const mdl = Mdl >>> 0;
      const offset = Number(Offset);
      const available = as.u32(mdl + M.ByteCount!) - offset;
      if (available <= 0) return STATUS.INVALID_PARAMETER;
      const length = Math.min(as.u32(Length >>> 0), available);
      as.setU32(Length >>> 0, length);
      const va = (mdlVa(mdl) + offset) >>> 0;
      if (a.system) {
        const deviceAddress = a.system.deviceAddress + BigInt(DeviceOffset >>> 0);
        dma.startSystemTransfer(a, { va, length, toDevice: (WriteToDevice & 0xff) !== 0, deviceAddress, completion: DmaCompletionRoutine >>> 0, completionContext: CompletionContext >>> 0, deviceObject: a.pdo });
        return STATUS.SUCCESS;
      }
      if (ScatterGatherBuffer >>> 0 === 0) return STATUS.INVALID_PARAMETER;
      return buildList(a, mdl, va, length, ScatterGatherBuffer >>> 0, ScatterGatherBufferLength >>> 0).status;
    },
    GetScatterGatherListEx: (DmaAdapter: number, DeviceObject: number, _DmaTransferContext: number, Mdl: number, Offset: bigint, Length: number, Flags: number, ExecutionRoutine: number, Context: number, _WriteToDevice: number, _DmaCompletionRoutine: number, _CompletionContext: number, ScatterGatherList: number): number =>
      listEx(DMA_ROUTINE_NAMES.GetScatterGatherListEx, DmaAdapter, DeviceObject, Mdl, Offset, Length, Flags, ExecutionRoutine, Context, 0, 0, ScatterGatherList >>> 0),
    BuildScatterGatherListEx: (DmaAdapter: number, DeviceObject: number, _DmaTransferContext: number, Mdl: number, Offset: bigint, Length: number, Flags: number, ExecutionRoutine: number, Context: number, _WriteToDevice: number, ScatterGatherBuffer: number, ScatterGatherLength: number, _DmaCompletionRoutine: number, _CompletionContext: number, ScatterGatherList: number): number => {
      if (ScatterGatherBuffer >>> 0 === 0) return STATUS.INVALID_PARAMETER;
      return listEx(DMA_ROUTINE_NAMES.BuildScatterGatherListEx, DmaAdapter, DeviceObject, Mdl, Offset, Length, Flags, ExecutionRoutine, Context, ScatterGatherBuffer >>> 0, ScatterGatherLength >>> 0, ScatterGatherList >>> 0);
    },
    /** As FlushAdapterBuffers, with an offset into the MDL: a system channel's transfer ends. */
    FlushAdapterBuffersEx: (DmaAdapter: number, _Mdl: number, _MapRegisterBase: number, _Offset: bigint, _Length: number, _WriteToDevice: number): number => {
      const a = dma.adapter(DmaAdapter);
      if (a.system) a.system.transfer = undefined;
      return STATUS.SUCCESS;
    },
    /** Give back what AllocateAdapterChannelEx (synchronous) granted, as an execution routine's action would. */
    FreeAdapterObject: (DmaAdapter: number, AllocationAction: number): void => {
      const a = dma.adapter(DmaAdapter);
      if (!a.channelHeld) return;
      dma.applyAction(a, a.channelRegisters, AllocationAction >>> 0);
    },
    /** Stop a system channel's transfer in progress: its completion routine runs with DmaCancelled. */
    CancelMappedTransfer: (DmaAdapter: number, _DmaTransferContext: number): number => {
      const a = dma.adapter(DmaAdapter);
      const t = a.system?.transfer;
      if (!t || t.remaining === 0) return STATUS.UNSUCCESSFUL;
      a.system!.transfer = undefined;
      dma.completeTransfer(a, t, DMA_COMPLETION_STATUS.DmaCancelled);
      return STATUS.SUCCESS;
    },
  };
}
