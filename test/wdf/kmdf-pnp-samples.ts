/** The KMDF PnP samples' paths and control codes (drivers/c/kmdf/KmdfPnp/kmdfpnp.h), shared by the test files. */
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

const KMDF = join(ROOT, 'drivers', 'c', 'kmdf');
export const KMDFPNP = join(KMDF, 'KmdfPnp', 'KmdfPnp.wasm');
export const KMDFPNP_IDLE = join(KMDF, 'KmdfPnpIdle', 'KmdfPnpIdle.wasm');
export const KMDFPNP_NO_IO_STOP = join(KMDF, 'KmdfPnpNoIoStop', 'KmdfPnpNoIoStop.wasm');
export const KMDFFILTER = join(KMDF, 'KmdfFilter', 'KmdfFilter.wasm');
export const KMDFFILTER_SYNC_AT_DISPATCH = join(KMDF, 'KmdfFilterSyncAtDispatch', 'KmdfFilterSyncAtDispatch.wasm');
export const IOCTL_ECHO = 0x222000;
export const IOCTL_TICK = 0x222004;
export const IOCTL_HOLD = 0x222008;
export const IOCTL_RING = 0x22200c;
/** The device interface class KmdfPnp registers, as the PnP manager spells it. */
export const GUID_DEVINTERFACE_KMDFPNP = '{6C1B9C2E-8F3A-4D57-9A0E-2B7D4E1F5A63}';
