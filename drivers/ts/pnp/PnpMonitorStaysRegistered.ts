/**
 * PnpMonitorStaysRegistered: the violating twin of PnpMonitor (the TypeScript side of
 * PnpMonitorStaysRegistered.c). Its DriverUnload lets go of its targets but forgets the interface
 * class notification. The registration keeps a reference on the driver object, so the image stays
 * loaded after DriverUnload, and the next arrival of the class runs the callback over the device
 * extension DriverUnload freed with its device: a use after free (0x1F2 under the memory checks).
 */
import type { DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpMonitorEntry, unregisterInterfaceWith } from './PnpMonitor.ts';

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  unregisterInterfaceWith(KeepRegistration);
  return PnpMonitorEntry(DriverObject, RegistryPath, api);
}

/** The omission: the registration outlives DriverUnload, and keeps the image. */
function KeepRegistration(_ext: number): void {}
