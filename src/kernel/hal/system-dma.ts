/**
 * System (slave) DMA: the machine's DMA controllers, whose channels move data between memory and a
 * device that cannot master the bus. A PC has the legacy 8237 pair (ISA channels 0-3 and 5-7; channel 4
 * cascades the two); an SoC declares its controllers (the ACPI CSRT's), each with request lines that
 * version 3 DEVICE_DESCRIPTIONs name (DmaControllerInstance, DmaRequestLine). A line no controller has
 * gets no adapter, as on Windows.
 *
 * A channel runs one transfer at a time. It runs to its end at once (the device is always ready),
 * unless its controller was declared `held`: then the transfer stays in progress, ReadDmaCounter shows
 * the bytes left, and the device model ends it (Dma.completeSystemTransfer) or the driver cancels it.
 */

/** What a channel moved, in order: the controller's log (what the device received or sent). */
export interface SystemTransferRecord {
  readonly channel: number;
  readonly toDevice: boolean;
  /** The device's address the transfer targeted (MapTransferEx's DeviceOffset, DEVICE_DESCRIPTION.DeviceAddress). */
  readonly deviceAddress: bigint;
  readonly data: Uint8Array;
}

export interface SystemDmaControllerSpec {
  /** DmaControllerInstance. */
  readonly instance: number;
  /** The request lines (version 3) its channels serve. */
  readonly requestLines: readonly number[];
  /** Transfers stay in progress until Dma.completeSystemTransfer (so ReadDmaCounter counts down). */
  readonly held?: boolean;
  /** What the device sends for a transfer from it: zeros when absent. */
  readonly source?: (length: number) => Uint8Array;
}

export interface SystemDmaController extends SystemDmaControllerSpec {
  readonly transfers: SystemTransferRecord[];
}

/** The legacy ISA controller pair: DmaChannel 0-3 (8-bit) and 5-7 (16-bit); 4 is the cascade. */
export const ISA_DMA_CHANNELS: readonly number[] = [0, 1, 2, 3, 5, 6, 7];
/** DEVICE_DESCRIPTION.InterfaceType values whose DmaChannel names an ISA channel. */
export const ISA_INTERFACES: ReadonlySet<number> = new Set([1 /* Isa */, 2 /* Eisa */]);
/** The instance of the built-in ISA pair among the controllers. */
export const ISA_CONTROLLER_INSTANCE = -1;

/** A transfer a system DMA channel is running. */
export interface SystemTransfer {
  readonly va: number;
  readonly length: number;
  remaining: number;
  readonly toDevice: boolean;
  readonly deviceAddress: bigint;
  /** MapTransferEx's completion routine and its context (0 for MapTransfer). */
  readonly completion: number;
  readonly completionContext: number;
  readonly deviceObject: number;
}

export class SystemDmaControllers {
  readonly controllers = new Map<number, SystemDmaController>();

  constructor() {
    this.controllers.set(ISA_CONTROLLER_INSTANCE, { instance: ISA_CONTROLLER_INSTANCE, requestLines: ISA_DMA_CHANNELS, transfers: [] });
  }

  /** Declare a controller (before the driver asks for its adapter). */
  add(spec: SystemDmaControllerSpec): SystemDmaController {
    const c = { ...spec, transfers: [] };
    this.controllers.set(spec.instance, c);
    return c;
  }

  /** The controller serving a description's channel or request line, if any. */
  find(version: number, interfaceType: number, channel: number, instance: number, requestLine: number): SystemDmaController | undefined {
    if (version >= 3) {
      const c = this.controllers.get(instance);
      return c && c.instance !== ISA_CONTROLLER_INSTANCE && c.requestLines.includes(requestLine) ? c : undefined;
    }
    return ISA_INTERFACES.has(interfaceType) && ISA_DMA_CHANNELS.includes(channel) ? this.controllers.get(ISA_CONTROLLER_INSTANCE) : undefined;
  }
}
