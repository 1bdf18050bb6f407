/**
 * What PnpBus and PnpChild share (C's PnpBusInterface.h): the bus interface a child's driver gets with
 * IRP_MN_QUERY_INTERFACE. Constants only, so a driver importing it takes no code of the other.
 */
import { INTERFACE } from '../../../ddk/ts/wdm.ts';

/**
 * The bus interface a child's driver gets with IRP_MN_QUERY_INTERFACE: INTERFACE, then
 * ULONG GetChildIndex(PVOID Context). Its GUID is this sample's own {8D1E6C2A-3B4F-4E5A-9C7D-2F1B0A3C4D5E}.
 */
export const GUID_PNPBUS_INTERFACE = [0x2a, 0x6c, 0x1e, 0x8d, 0x4f, 0x3b, 0x5a, 0x4e, 0x9c, 0x7d, 0x2f, 0x1b, 0x0a, 0x3c, 0x4d, 0x5e];
export const PNPBUS_INTERFACE_VERSION = 1;
export const PNPBUS_INTERFACE_SIZE = INTERFACE.size + 4;
