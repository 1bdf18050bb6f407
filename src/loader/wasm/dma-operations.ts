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

interface OperationAbi {
  /** The C parameters. */
  readonly params: number;
  readonly returnsValue: boolean;
  /** A PHYSICAL_ADDRESS parameter passed by value (a pointer in wasm). */
  readonly physicalByValue?: number;
  /** Returns a PHYSICAL_ADDRESS (through a leading result pointer in wasm). */
  readonly returnsPhysical?: boolean;
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
};

export function operationType(name: DmaOperationName): FuncType {
  const abi = ABI[name];
  const params = abi.params + (abi.returnsPhysical ? 1 : 0);
  return { params: Array.from({ length: params }, () => I32), results: abi.returnsValue ? [I32] : [] };
}

/** The kernel routine adapted to the values wasm passes it. */
function adapt(k: Kernel, name: DmaOperationName, fn: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  const abi = ABI[name];
  const call = fn as (...args: unknown[]) => unknown;
  return (...wasm: unknown[]) => {
    const result = abi.returnsPhysical ? (wasm.shift() as number) >>> 0 : 0;
    const args: unknown[] = wasm.map((a, i) => (i === abi.physicalByValue ? BigInt.asIntN(64, k.as.u64((a as number) >>> 0)) : (a as number) >>> 0));
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

/** Bind IoGetDmaAdapter's tables for one image: returns what rewrites an adapter's table to slots. */
export function dmaTableBinder(k: Kernel, makeSlot: SlotMaker): (adapter: number) => void {
  const slots = new Map<DmaOperationName, number>();
  return (adapter) => {
    const ops = k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!);
    const kernel = k.hal.dma.operations();
    for (const name of DMA_OPERATION_NAMES) {
      const at = ops + DMA_OPERATIONS.off[name]!;
      let slot = slots.get(name);
      if (slot === undefined) {
        slot = makeSlot(operationType(name), adapt(k, name, kernel[name]), k.as.u32(at));
        slots.set(name, slot);
      }
      k.as.setU32(at, slot);
    }
  };
}
