/** The runtime power framework's (PoFx) constants, as wdm.h defines them. */

/** PO_FX_DEVICE.Version of the structure with PO_FX_COMPONENT_V1 components. */
export const PO_FX_VERSION_V1 = 0x00000001;

/** The Flags of PoFxActivateComponent and PoFxIdleComponent (mutually exclusive). */
export const PO_FX_FLAG = {
  /** The condition change is synchronous: the routine returns once it is done (only below DISPATCH_LEVEL). */
  BLOCKING: 0x1,
  /** Fully asynchronous: the driver's callback is never called from the calling thread. */
  ASYNC_ONLY: 0x2,
} as const;
