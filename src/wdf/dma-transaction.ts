/**
 * WDFDMATRANSACTION (FxDmaScatterGatherTransaction / FxDmaPacketTransaction): one DMA transfer of an
 * MDL's bytes, staged in pieces of at most the enabler's maximum length. Each stage is mapped by the
 * kernel's adapter (GetScatterGatherList for a scatter/gather profile; AllocateAdapterChannel +
 * MapTransfer, one element, for a packet profile) and handed to the driver's EVT_WDF_PROGRAM_DMA with
 * its SCATTER_GATHER_LIST; the driver's DmaCompleted* ends the stage, the adapter's resources go back,
 * and the next stage is programmed until the transfer is done. A call in the wrong state is the
 * framework's 0x10D/0x8 (P2 the transaction).
 */
import { IRP as IRP_LAYOUT, MDL_LAYOUT, SCATTER_GATHER_LIST } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../nt/wdf.ts';
import { IO_ALLOCATION_ACTION } from '../kernel/hal/dma.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDmaEnabler } from './dma-enabler.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { fxRoutine } from './ke.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import type { FxRequest } from './request.ts';

const M = MDL_LAYOUT.off;
const SG = SCATTER_GATHER_LIST.off;

/** Where a transaction is: made (or released), initialized, executing (a stage with the driver), transferred (all bytes done). */
type TransactionState = 'created' | 'initialized' | 'executing' | 'transferred';

export class FxDmaTransaction extends FxObject {
  dmaState: TransactionState = 'created';
  request: FxRequest | undefined;
  mdl = 0;
  va = 0;
  length = 0;
  toDevice = false;
  programDma = 0;
  programContext = 0;
  /** Bytes the device transferred in the stages done (the offset of the next stage). */
  transferred = 0;
  /** The current stage: its start (an offset into the transfer), its length, and what maps it. */
  stageOffset = 0;
  stageLength = 0;
  sgList = 0;
  mapRegisterBase = 0;
  /** WdfDmaTransactionSetMaximumLength: this transaction's stage limit (0: the enabler's), until released. */
  maximumLength = 0;
  /** WdfDmaTransactionSetSingleTransferRequirement, until released. */
  requireSingleTransfer = false;
  /** The framework's own SCATTER_GATHER_LIST of one element for a packet stage. */
  packetList = 0;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, readonly enabler: FxDmaEnabler) {
    super(fx, g, attributes, parent, FX_TYPE.DmaTransaction);
  }

  /** 0x10D/0x8 unless the transaction is in one of `states`. */
  expect(g: FxDriverGlobals, operation: string, ...states: TransactionState[]): void {
    if (states.includes(this.dmaState)) return;
    g.record(operation, `WDFDMATRANSACTION 0x${this.handle.toString(16)} is ${this.dmaState}, not ${states.join(' or ')}`);
    this.fx.violation(g, WDF_BUGCHECK.DMA_FATAL_ERROR, this.handle, 0);
  }

  /** Give the current stage's adapter resources back. */
  releaseStage(): void {
    const ops = this.fx.k.hal.dma.operations();
    const adapter = this.enabler.adapter as never;
    if (this.sgList !== 0) ops.PutScatterGatherList(adapter, this.sgList as never, (this.toDevice ? 1 : 0) as never);
    if (this.mapRegisterBase !== 0) {
      ops.FlushAdapterBuffers(adapter, this.mdl as never, this.mapRegisterBase as never, (this.va + this.stageOffset) as never, this.stageLength as never, (this.toDevice ? 1 : 0) as never);
      ops.FreeMapRegisters(adapter, this.mapRegisterBase as never, 1 as never);
    }
    this.sgList = 0;
    this.mapRegisterBase = 0;
  }

  clear(): void {
    this.releaseStage();
    if (this.packetList !== 0) this.fx.free(this.packetList, this.globals.tag);
    this.packetList = 0;
    this.dmaState = 'created';
    this.request = undefined;
    this.mdl = this.va = this.length = this.transferred = this.stageOffset = this.stageLength = this.maximumLength = 0;
    this.requireSingleTransfer = false;
  }

  protected override destroyed(): void {
    this.clear();
  }
}

export function dmaTransactionExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const transactionOf = (g: FxDriverGlobals, handle: number) => fx.object<FxDmaTransaction>(g, handle, FX_TYPE.DmaTransaction);

  /** Call the driver's EVT_WDF_PROGRAM_DMA with the stage's list; its BOOLEAN is whether it programmed the device. */
  const program = (t: FxDmaTransaction, list: number): boolean =>
    ((fx.invoke(t.programDma, [t.handle, t.enabler.device.handle, t.programContext, t.toDevice ? 1 : 0, list], []) as number) & 0xff) !== 0;

  /** GetScatterGatherList's execution routine (registered on first use: the image is not there while the table is built): the list is the stage's until PutScatterGatherList. */
  const sgExecution = () => fxRoutine(fx, 'FxDmaScatterGatherTransaction::_AdapterListControl', (_device, _irp, list, context) => {
    const t = fx.handles.get(context) as FxDmaTransaction;
    t.sgList = list;
    program(t, list);
  });

  /** AllocateAdapterChannel's execution routine for a packet stage: one MapTransfer, the registers kept until the stage ends. */
  const packetExecution = () => fxRoutine(fx, 'FxDmaPacketTransaction::_AdapterControl', (_device, _irp, mapRegisterBase, context) => {
    const t = fx.handles.get(context) as FxDmaTransaction;
    t.mapRegisterBase = mapRegisterBase;
    const lengthCell = fx.allocate(4, t.globals.tag);
    as.setU32(lengthCell, t.stageLength);
    const ops = k.hal.dma.operations();
    const logical = ops.MapTransfer(t.enabler.adapter as never, t.mdl as never, mapRegisterBase as never, (t.va + t.stageOffset) as never, lengthCell as never, (t.toDevice ? 1 : 0) as never) as bigint;
    // A bus master's mapping ends at its page: the stage is what was mapped.
    t.stageLength = as.u32(lengthCell);
    fx.free(lengthCell, t.globals.tag);
    k.hal.dma.writeList(t.packetList, [[logical, t.stageLength]]);
    program(t, t.packetList);
    return IO_ALLOCATION_ACTION.DeallocateObjectKeepRegisters;
  });

  /** Map and program the next stage: at most the enabler's maximum length of what is left. */
  const stage = (t: FxDmaTransaction): number => {
    const ops = k.hal.dma.operations();
    t.stageLength = Math.min(t.length - t.stageOffset, t.maximumLength || t.enabler.maximumLength);
    const deviceObject = t.enabler.device.deviceObject;
    if (t.enabler.scatterGather) {
      return ops.GetScatterGatherList(t.enabler.adapter as never, deviceObject as never, t.mdl as never, (t.va + t.stageOffset) as never, t.stageLength as never, sgExecution() as never, t.handle as never, (t.toDevice ? 1 : 0) as never) as number;
    }
    if (t.packetList === 0) t.packetList = fx.allocate(SCATTER_GATHER_LIST.size, t.globals.tag);
    return k.hal.dma.atDispatch(() => ops.AllocateAdapterChannel(t.enabler.adapter as never, deviceObject as never, 1 as never, packetExecution() as never, t.handle as never) as number);
  };

  const initialize = (g: FxDriverGlobals, t: FxDmaTransaction, programDma: number, direction: number, mdl: number, va: number, length: number): number => {
    fx.require(g, programDma);
    t.expect(g, 'FxDmaTransactionBase::Initialize', 'created');
    if (length === 0) return STATUS.INVALID_PARAMETER;
    t.programDma = programDma;
    t.toDevice = (direction & 0xff) !== 0;
    t.mdl = mdl;
    t.va = va;
    t.length = length;
    t.dmaState = 'initialized';
    return STATUS.SUCCESS;
  };

  /** End the current stage with `bytes` done; program the next unless the transfer is over (`final`) or done. */
  const completed = (g: FxDriverGlobals, Transaction: number, Status: number, bytes: (t: FxDmaTransaction) => number, final: boolean): number => {
    const t = transactionOf(g, Transaction);
    fx.require(g, Status);
    t.expect(g, 'FxDmaTransactionBase::DmaCompleted', 'executing');
    t.releaseStage();
    // The next stage starts where the device stopped: bytes it did not move are staged again.
    const moved = bytes(t);
    t.transferred += moved;
    t.stageOffset += moved;
    if (final || t.stageOffset >= t.length) {
      t.dmaState = 'transferred';
      as.setU32(Status, STATUS.SUCCESS);
      return 1;
    }
    const status = stage(t);
    if (status !== STATUS.SUCCESS) {
      t.dmaState = 'transferred';
      as.setU32(Status, status);
      return 1;
    }
    as.setU32(Status, STATUS.MORE_PROCESSING_REQUIRED);
    return 0;
  };

  return {
    /** The enabler is the parent unless the attributes name one. */
    WdfDmaTransactionCreate(g, DmaEnabler: number, Attributes: number, DmaTransaction: number) {
      const enabler = fx.object<FxDmaEnabler>(g, DmaEnabler, FX_TYPE.DmaEnabler);
      fx.require(g, DmaTransaction);
      as.setU32(DmaTransaction, 0);
      const attributes = readAttributes(fx, Attributes);
      if (typeof attributes === 'number') return attributes;
      const t = new FxDmaTransaction(fx, g, attributes, attributes.parent ? fx.object(g, attributes.parent) : enabler, enabler);
      as.setU32(DmaTransaction, t.handle);
      return STATUS.SUCCESS;
    },

    WdfDmaTransactionInitialize(g, DmaTransaction: number, EvtProgramDmaFunction: number, DmaDirection: number, Mdl: number, VirtualAddress: number, Length: number) {
      const t = transactionOf(g, DmaTransaction);
      fx.require(g, Mdl);
      return initialize(g, t, EvtProgramDmaFunction, DmaDirection, Mdl >>> 0, VirtualAddress >>> 0, Length >>> 0);
    },

    /** A read or write's MDL (direct I/O): its whole buffer. */
    WdfDmaTransactionInitializeUsingRequest(g, DmaTransaction: number, Request: number, EvtProgramDmaFunction: number, DmaDirection: number) {
      const t = transactionOf(g, DmaTransaction);
      const r = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
      const mdl = as.u32(r.irp + IRP_LAYOUT.off.MdlAddress!);
      if (mdl === 0) {
        g.record('FxDmaTransactionBase::InitializeUsingRequest', `WDFREQUEST 0x${Request.toString(16)} has no MDL`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      const va = as.u32(mdl + M.StartVa!) + as.u32(mdl + M.ByteOffset!);
      const status = initialize(g, t, EvtProgramDmaFunction, DmaDirection, mdl, va, as.u32(mdl + M.ByteCount!));
      if (status === STATUS.SUCCESS) t.request = r;
      return status;
    },

    /** The first stage is mapped and programmed before Execute returns. */
    WdfDmaTransactionExecute(g, DmaTransaction: number, Context: number) {
      const t = transactionOf(g, DmaTransaction);
      t.expect(g, 'FxDmaTransactionBase::Execute', 'initialized');
      t.programContext = Context >>> 0;
      t.dmaState = 'executing';
      const status = stage(t);
      if (status !== STATUS.SUCCESS) t.dmaState = 'initialized';
      return status;
    },

    WdfDmaTransactionDmaCompleted(g, DmaTransaction: number, Status: number) {
      return completed(g, DmaTransaction, Status, (t) => t.stageLength, false);
    },

    WdfDmaTransactionDmaCompletedWithLength(g, DmaTransaction: number, TransferredLength: number, Status: number) {
      return completed(g, DmaTransaction, Status, (t) => Math.min(TransferredLength >>> 0, t.stageLength), false);
    },

    /** An underrun: the transfer ends here with FinalTransferredLength bytes in all. */
    WdfDmaTransactionDmaCompletedFinal(g, DmaTransaction: number, FinalTransferredLength: number, Status: number) {
      return completed(g, DmaTransaction, Status, (t) => Math.max(0, (FinalTransferredLength >>> 0) - t.transferred), true);
    },

    WdfDmaTransactionGetBytesTransferred(g, DmaTransaction: number) {
      return transactionOf(g, DmaTransaction).transferred;
    },

    /** The current stage's length (what EVT_WDF_PROGRAM_DMA's list covers). */
    WdfDmaTransactionGetCurrentDmaTransferLength(g, DmaTransaction: number) {
      return transactionOf(g, DmaTransaction).stageLength;
    },

    /** Before Execute: a smaller stage limit than the enabler's for this transaction (a larger one is the enabler's). */
    WdfDmaTransactionSetMaximumLength(g, DmaTransaction: number, MaximumLength: number) {
      const t = transactionOf(g, DmaTransaction);
      t.expect(g, 'FxDmaTransactionBase::SetMaximumLength', 'created', 'initialized');
      t.maximumLength = Math.min(MaximumLength >>> 0, t.enabler.maximumLength);
    },

    /**
     * Before Initialize. Only remembered: the framework's refusal of a transfer that needs more than one
     * stage (STATUS_WDF_TOO_MANY_TRANSFERS) is not done, its status value not being in our tables yet.
     */
    WdfDmaTransactionSetSingleTransferRequirement(g, DmaTransaction: number, RequireSingleTransfer: number) {
      const t = transactionOf(g, DmaTransaction);
      t.expect(g, 'FxDmaTransactionBase::SetSingleTransferRequirement', 'created');
      t.requireSingleTransfer = (RequireSingleTransfer & 0xff) !== 0;
    },

    WdfDmaTransactionGetRequest(g, DmaTransaction: number) {
      return transactionOf(g, DmaTransaction).request?.handle ?? 0;
    },

    WdfDmaTransactionGetDevice(g, DmaTransaction: number) {
      return transactionOf(g, DmaTransaction).enabler.device.handle;
    },

    /** The transaction may be initialized again; what it still maps goes back. */
    WdfDmaTransactionRelease(g, DmaTransaction: number) {
      const t = transactionOf(g, DmaTransaction);
      t.clear();
      return STATUS.SUCCESS;
    },
  };
}
