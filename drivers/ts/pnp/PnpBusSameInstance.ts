/**
 * PnpBusSameInstance: the violating twin of PnpBus (the TypeScript side of PnpBusSameInstance.c). Every
 * child it enumerates answers IRP_MN_QUERY_ID/BusQueryInstanceID with the same ID ("0"), so the second
 * child's instance path is the first's: two PDOs claim one device. The PnP manager stops: 0xCA
 * PNP_DETECTED_FATAL_ERROR with Parameter 1 = 1 (duplicate PDO), the new PDO and the one it duplicates.
 */
import type { DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpBusEntry, instanceIdsWith } from './PnpBus.ts';

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  instanceIdsWith(SameInstanceId);
  return PnpBusEntry(DriverObject, RegistryPath, api);
}

/** The bug: an instance ID that does not tell the children apart. */
function SameInstanceId(_index: number): string {
  return '0';
}
