/**
 * A DMA adapter's DMA_OPERATIONS as a wasm driver calls them: through pointers (call_indirect), so each
 * entry of the table IoGetDmaAdapter returned is rewritten to a slot of the machine's function table,
 * typed exactly as the routine's C prototype compiles (dv/hal.h): every parameter an i32, a
 * PHYSICAL_ADDRESS passed by value as a pointer to it (FreeCommonBuffer), one returned by value through a
 * leading result pointer (MapTransfer), VOID routines without a result.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { DMA_OPERATIONS, DMA_OPERATION_NAMES, DMA_ADAPTER, type DmaOperationName } from '../../nt/layout.ts';
import type { FuncType } from './indirect.ts';

const I32 = 0x7f;
const I64 = 0x7e;

interface OperationAbi {
  /** The C parameters. */
  readonly params: number;
  readonly returnsValue: boolean;
  /** A PHYSICAL_ADDRESS parameter passed by value (a pointer in wasm). */
  readonly physicalByValue?: number;
  /** Returns a PHYSICAL_ADDRESS (through a leading result pointer in wasm). */
  readonly returnsPhysical?: boolean;
  /** A ULONGLONG parameter (an i64 in wasm, a bigint for the kernel). */
  readonly u64?: number;
}

const ABI: Record<DmaOperationName, OperationAbi> = {
  PutDmaAdapter: { params: 1, returnsValue: false },
  AllocateCommonBuffer: { params: 4, returnsValue: true },
  FreeCommonBuffer: { params: 5, returnsValue: false, physicalByValue: 2 },
  AllocateAdapterChannel: { params: 5, returnsValue: true },
  FlushAdapterBuffers: { params: 6, returnsValue: true },
  FreeAdapterChannel: { params: 1, returnsValue: false },
  FreeMapRegisters: { params: 3, returnsValue: false },
  MapTransfer: { params: 6, returnsValue: false, returnsPhysical: true },
  GetDmaAlignment: { params: 1, returnsValue: true },
  ReadDmaCounter: { params: 1, returnsValue: true },
  GetScatterGatherList: { params: 8, returnsValue: true },
  PutScatterGatherList: { params: 3, returnsValue: false },
  CalculateScatterGatherList: { params: 6, returnsValue: true },
  BuildScatterGatherList: { params: 10, returnsValue: true },
  BuildMdlFromScatterGatherList: { params: 4, returnsValue: true },
  GetDmaAdapterInfo: { params: 2, returnsValue: true },
  GetDmaTransferInfo: { params: 6, returnsValue: true, u64: 2 },
  InitializeDmaTransferContext: { params: 2, returnsValue: true },
  AllocateCommonBufferEx: { params: 6, returnsValue: true },
  AllocateAdapterChannelEx: { params: 8, returnsValue: true },
  ConfigureAdapterChannel: { params: 3, returnsValue: true },
  CancelAdapterChannel: { params: 3, returnsValue: true },
  MapTransferEx: { params: 11, returnsValue: true, u64: 3 },
  GetScatterGatherListEx: { params: 13, returnsValue: true, u64: 4 },
  BuildScatterGatherListEx: { params: 15, returnsValue: true, u64: 4 },
  FlushAdapterBuffersEx: { params: 6, returnsValue: true, u64: 3 },
  FreeAdapterObject: { params: 2, returnsValue: false },
  CancelMappedTransfer: { params: 2, returnsValue: true },
};

export function operationType(name: DmaOperationName): FuncType {
  const abi = ABI[name];
  const params = abi.params + (abi.returnsPhysical ? 1 : 0);
  return { params: Array.from({ length: params }, (_, i) => (i === abi.u64 ? I64 : I32)), results: abi.returnsValue ? [I32] : [] };
}

/** The kernel routine adapted to the values wasm passes it. */
function adapt(k: Kernel, name: DmaOperationName, fn: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  const abi = ABI[name];
  const call = fn as (...args: unknown[]) => unknown;
  return (...wasm: unknown[]) => {
    const result = abi.returnsPhysical ? (wasm.shift() as number) >>> 0 : 0;
    const args: unknown[] = wasm.map((a, i) =>
      i === abi.u64 ? BigInt.asUintN(64, a as bigint) : i === abi.physicalByValue ? BigInt.asIntN(64, k.as.u64((a as number) >>> 0)) : (a as number) >>> 0,
    );
    const r = call(...args);
    if (abi.returnsPhysical) {
      k.as.setU64(result, BigInt.asUintN(64, r as bigint));
      return undefined;
    }
    return typeof r === 'boolean' ? (r ? 1 : 0) : r;
  };
}

/** Slot of an operation in the machine's table: `makeSlot(type, host, ntAddress)`, made once per image and name. */
export type SlotMaker = (type: FuncType, host: (...a: unknown[]) => unknown, address: number) => number;

/**
 * Bind IoGetDmaAdapter's tables for one image: returns what rewrites an adapter's table to slots. Each
 * slot calls the routine the entry pointed at (the HAL's, or the verifier's wrapper of it when DMA
 * checking wrapped the table), made once per image and routine.
 */
export function dmaTableBinder(k: Kernel, makeSlot: SlotMaker): (adapter: number) => void {
  const slots = new Map<number, number>();
  return (adapter) => {
    const ops = k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!);
    const kernel = k.hal.dma.operations();
    for (const name of DMA_OPERATION_NAMES) {
      const at = ops + DMA_OPERATIONS.off[name]!;
      const address = k.as.u32(at);
      let slot = slots.get(address);
      if (slot === undefined) {
        const fn = (k.routineAt(address) ?? kernel[name]) as (...args: never[]) => unknown;
        slot = makeSlot(operationType(name), adapt(k, name, fn), address);
        slots.set(address, slot);
      }
      k.as.setU32(at, slot);
    }
  };
}
