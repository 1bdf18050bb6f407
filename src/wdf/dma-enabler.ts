/**
 * WDFDMAENABLER (FxDmaEnabler) and WDFCOMMONBUFFER (FxCommonBuffer): a bus-master DMA enabler is the
 * kernel's DMA adapter for the device's PDO (IoGetDmaAdapter with a DEVICE_DESCRIPTION the profile
 * fills), made at WdfDmaEnablerCreate and put back (PutDmaAdapter) when the enabler goes; a common
 * buffer is AllocateCommonBuffer on that adapter, freed with its object. The framework calls the
 * adapter's routines itself, as Wdf01000.sys calls the HAL's.
 */
import { DEVICE_DESCRIPTION } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import {
  DMA_PROFILE_TRAITS,
  WDF_COMMON_BUFFER_CONFIG,
  WDF_DMA_ENABLER_CONFIG,
  WDF_DMA_ENABLER_CONFIG_V1_0_SIZE,
  WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS,
} from '../nt/wdf-dma.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

const C = WDF_DMA_ENABLER_CONFIG.off;
const DD = DEVICE_DESCRIPTION.off;
const DEVICE_DESCRIPTION_VERSION2 = 2;
const PAGE_SIZE = 0x1000;

export class FxDmaEnabler extends FxObject {
  /** WdfDmaEnablerSetMaximumScatterGatherElements; unlimited until set. */
  maximumFragments = WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly device: FxDevice,
    readonly profile: number,
    readonly maximumLength: number,
    /** The kernel's DMA_ADAPTER. */
    readonly adapter: number,
    /** The most map registers one transfer may use (IoGetDmaAdapter's answer). */
    readonly mapRegisters: number,
  ) {
    super(fx, g, attributes, device, FX_TYPE.DmaEnabler);
  }

  get scatterGather(): boolean {
    return DMA_PROFILE_TRAITS[this.profile]!.scatterGather;
  }

  protected override destroyed(): void {
    this.fx.k.hal.dma.operations().PutDmaAdapter(this.adapter as never);
  }
}

export class FxCommonBuffer extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly enabler: FxDmaEnabler,
    /** What AllocateCommonBuffer returned (the allocation), and the aligned address the driver sees. */
    readonly allocated: number,
    readonly allocatedLength: number,
    readonly virtualAddress: number,
    readonly logical: bigint,
    readonly length: number,
  ) {
    super(fx, g, attributes, enabler, FX_TYPE.CommonBuffer);
  }

  protected override destroyed(): void {
    this.fx.k.hal.dma.operations().FreeCommonBuffer(this.enabler.adapter as never, this.allocatedLength as never, this.logical as never, this.allocated as never, 1 as never);
  }
}

export function dmaEnablerExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const enablerOf = (g: FxDriverGlobals, handle: number) => fx.object<FxDmaEnabler>(g, handle, FX_TYPE.DmaEnabler);

  /** WdfCommonBufferCreate(WithConfig): the buffer aligned as asked (or as the device requires), its logical address to match. */
  const createCommonBuffer = (g: FxDriverGlobals, enabler: FxDmaEnabler, length: number, alignment: number, Attributes: number, CommonBuffer: number): number => {
    fx.require(g, CommonBuffer);
    as.setU32(CommonBuffer, 0);
    if (length === 0) return STATUS.INVALID_PARAMETER;
    const attributes = readAttributes(fx, Attributes, { parentNotAllowed: true });
    if (typeof attributes === 'number') return attributes;
    // An alignment requirement is a mask (FILE_xxx_ALIGNMENT); the pool's allocation is 8-aligned.
    const mask = alignment >>> 0;
    const extra = mask > 7 ? mask : 0;
    const allocatedLength = length + extra;
    const logicalOut = fx.allocate(8, g.tag);
    const va = fx.k.hal.dma.operations().AllocateCommonBuffer(enabler.adapter as never, allocatedLength as never, logicalOut as never, 1 as never) as number;
    const logical = as.u64(logicalOut);
    fx.free(logicalOut, g.tag);
    if (va === 0) return STATUS.INSUFFICIENT_RESOURCES;
    const aligned = extra ? ((va + mask) & ~mask) >>> 0 : va;
    const buffer = new FxCommonBuffer(fx, g, attributes, enabler, va, allocatedLength, aligned, logical, length);
    as.setU32(CommonBuffer, buffer.handle);
    return STATUS.SUCCESS;
  };

  return {
    /** PASSIVE_LEVEL. A bus-master profile's adapter for the device's PDO; the device is always the parent. */
    WdfDmaEnablerCreate(g, Device: number, Config: number, Attributes: number, DmaEnablerHandle: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Config);
      fx.require(g, DmaEnablerHandle);
      as.setU32(DmaEnablerHandle, 0);
      const size = as.u32(Config + C.Size!);
      if (size !== WDF_DMA_ENABLER_CONFIG.size && size !== WDF_DMA_ENABLER_CONFIG_V1_0_SIZE) return STATUS.INFO_LENGTH_MISMATCH;
      const profile = as.u32(Config + C.Profile!);
      const maximumLength = as.u32(Config + C.MaximumLength!);
      const traits = DMA_PROFILE_TRAITS[profile];
      if (!traits || maximumLength === 0) {
        g.record('FxDmaEnabler::Initialize', `Profile ${profile}, MaximumLength ${maximumLength}: not a bus-master profile or no length, STATUS_INVALID_PARAMETER`);
        return STATUS.INVALID_PARAMETER;
      }
      const attributes = readAttributes(fx, Attributes);
      if (typeof attributes === 'number') return attributes;
      // A control device has no PDO: nothing to master.
      const pdo = device.pnp?.pdo ?? 0;
      if (pdo === 0) return STATUS.INVALID_DEVICE_REQUEST;
      const description = fx.allocate(DEVICE_DESCRIPTION.size, g.tag);
      as.zero(description, DEVICE_DESCRIPTION.size);
      as.setU32(description + DD.Version!, DEVICE_DESCRIPTION_VERSION2);
      as.setU8(description + DD.Master!, 1);
      as.setU8(description + DD.ScatterGather!, traits.scatterGather ? 1 : 0);
      as.setU8(description + DD.Dma32BitAddresses!, 1);
      as.setU8(description + DD.Dma64BitAddresses!, traits.width === 64 ? 1 : 0);
      as.setU32(description + DD.MaximumLength!, maximumLength);
      const registersOut = fx.allocate(4, g.tag);
      const adapter = fx.k.ddi.IoGetDmaAdapter(pdo, description, registersOut) >>> 0;
      const mapRegisters = as.u32(registersOut);
      fx.free(registersOut, g.tag);
      fx.free(description, g.tag);
      if (adapter === 0) return STATUS.INSUFFICIENT_RESOURCES;
      const enabler = new FxDmaEnabler(fx, g, { ...attributes, parent: 0 }, device, profile, maximumLength, adapter, mapRegisters);
      as.setU32(DmaEnablerHandle, enabler.handle);
      return STATUS.SUCCESS;
    },

    WdfDmaEnablerGetMaximumLength(g, DmaEnabler: number) {
      return enablerOf(g, DmaEnabler).maximumLength;
    },

    /** The limit only: a fragment count of zero is refused by the framework's verifier; here it stays unlimited. */
    WdfDmaEnablerSetMaximumScatterGatherElements(g, DmaEnabler: number, MaximumFragments: number) {
      const enabler = enablerOf(g, DmaEnabler);
      if (MaximumFragments >>> 0 === 0) {
        g.record('FxDmaEnabler::SetMaxSGElements', 'MaximumFragments 0 is not a limit');
        return;
      }
      enabler.maximumFragments = MaximumFragments >>> 0;
    },

    WdfDmaEnablerGetMaximumScatterGatherElements(g, DmaEnabler: number) {
      return enablerOf(g, DmaEnabler).maximumFragments;
    },

    /** The adapter for either direction: a simplex enabler has one. */
    WdfDmaEnablerWdmGetDmaAdapter(g, DmaEnabler: number, _DmaDirection: number) {
      return enablerOf(g, DmaEnabler).adapter;
    },

    /** PASSIVE_LEVEL. */
    WdfCommonBufferCreate(g, DmaEnabler: number, Length: number, Attributes: number, CommonBuffer: number) {
      const enabler = enablerOf(g, DmaEnabler);
      return createCommonBuffer(g, enabler, Length >>> 0, 0, Attributes, CommonBuffer);
    },

    /** PASSIVE_LEVEL. Config's AlignmentRequirement aligns the buffer's start (a FILE_xxx_ALIGNMENT mask). */
    WdfCommonBufferCreateWithConfig(g, DmaEnabler: number, Length: number, Config: number, Attributes: number, CommonBuffer: number) {
      const enabler = enablerOf(g, DmaEnabler);
      fx.require(g, Config);
      if (as.u32(Config + WDF_COMMON_BUFFER_CONFIG.off.Size!) !== WDF_COMMON_BUFFER_CONFIG.size) {
        fx.require(g, CommonBuffer);
        as.setU32(CommonBuffer, 0);
        return STATUS.INFO_LENGTH_MISMATCH;
      }
      const alignment = as.u32(Config + WDF_COMMON_BUFFER_CONFIG.off.AlignmentRequirement!);
      if (alignment >= PAGE_SIZE || (alignment & (alignment + 1)) !== 0) return STATUS.INVALID_PARAMETER;
      return createCommonBuffer(g, enabler, Length >>> 0, alignment, Attributes, CommonBuffer);
    },

    WdfCommonBufferGetAlignedVirtualAddress(g, CommonBuffer: number) {
      return fx.object<FxCommonBuffer>(g, CommonBuffer, FX_TYPE.CommonBuffer).virtualAddress;
    },

    /** The aligned start's logical address. PHYSICAL_ADDRESS is a union: wasm32 returns it through a pointer the caller passes first. */
    WdfCommonBufferGetAlignedLogicalAddress(g, Result: number, CommonBuffer: number) {
      const b = fx.object<FxCommonBuffer>(g, CommonBuffer, FX_TYPE.CommonBuffer);
      as.setU64(Result >>> 0, b.logical + BigInt(b.virtualAddress - b.allocated));
    },

    WdfCommonBufferGetLength(g, CommonBuffer: number) {
      return fx.object<FxCommonBuffer>(g, CommonBuffer, FX_TYPE.CommonBuffer).length;
    },
  };
}
