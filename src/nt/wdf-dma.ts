/**
 * KMDF DMA facts (wdfdmaenabler.h, wdfcommonbuffer.h): the structures the framework reads from drivers
 * (wasm32 layout; test/wdf/Layout.test.ts checks them against ddk/include) and the profile enum.
 */
import { struct, type StructLayout } from './layout.ts';

export const WDF_DMA_ENABLER_CONFIG = struct('WDF_DMA_ENABLER_CONFIG', [
  ['Size', 'u32'],
  ['Profile', 'u32'],
  ['MaximumLength', 'u32'],
  ['EvtDmaEnablerFill', 'ptr'],
  ['EvtDmaEnablerFlush', 'ptr'],
  ['EvtDmaEnablerDisable', 'ptr'],
  ['EvtDmaEnablerEnable', 'ptr'],
  ['EvtDmaEnablerSelfManagedIoStart', 'ptr'],
  ['EvtDmaEnablerSelfManagedIoStop', 'ptr'],
  ['AddressWidthOverride', 'u32'],
  ['WdmDmaVersionOverride', 'u32'],
  ['Flags', 'u32'],
]);

/** KMDF 1.0's WDF_DMA_ENABLER_CONFIG ended after the callbacks; a driver built against it passes this Size. */
export const WDF_DMA_ENABLER_CONFIG_V1_0_SIZE = WDF_DMA_ENABLER_CONFIG.off.AddressWidthOverride!;

export const WDF_COMMON_BUFFER_CONFIG = struct('WDF_COMMON_BUFFER_CONFIG', [
  ['Size', 'u32'],
  ['AlignmentRequirement', 'u32'],
]);

/** WDF_DMA_PROFILE: whether the device masters the bus with scatter/gather, and its address width. */
export const WDF_DMA_PROFILE = {
  Invalid: 0,
  Packet: 1,
  ScatterGather: 2,
  Packet64: 3,
  ScatterGather64: 4,
  ScatterGatherDuplex: 5,
  ScatterGather64Duplex: 6,
  System: 7,
  SystemDuplex: 8,
} as const;

/** What each bus-master profile asks of the adapter (system-mode profiles need WdfDmaEnablerConfigureSystemProfile, not done). */
export const DMA_PROFILE_TRAITS: Readonly<Record<number, { scatterGather: boolean; width: 32 | 64; duplex: boolean }>> = {
  [WDF_DMA_PROFILE.Packet]: { scatterGather: false, width: 32, duplex: false },
  [WDF_DMA_PROFILE.ScatterGather]: { scatterGather: true, width: 32, duplex: false },
  [WDF_DMA_PROFILE.Packet64]: { scatterGather: false, width: 64, duplex: false },
  [WDF_DMA_PROFILE.ScatterGather64]: { scatterGather: true, width: 64, duplex: false },
  [WDF_DMA_PROFILE.ScatterGatherDuplex]: { scatterGather: true, width: 32, duplex: true },
  [WDF_DMA_PROFILE.ScatterGather64Duplex]: { scatterGather: true, width: 64, duplex: true },
};

/** WdfDmaEnablerSetMaximumScatterGatherElements' default: no limit. */
export const WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS = 0xffffffff;

/** WDF_DMA_DIRECTION. */
export const WDF_DMA_DIRECTION = { FromDevice: 0, ToDevice: 1 } as const;

export const WDF_DMA_LAYOUTS: readonly StructLayout[] = [WDF_DMA_ENABLER_CONFIG, WDF_COMMON_BUFFER_CONFIG];
