/**
 * PnpMonitorStaysRegistered: the violating twin of PnpMonitor (the TypeScript side of
 * PnpMonitorStaysRegistered.c). Its DriverUnload lets go of its targets but forgets the interface
 * class notification. Windows keeps a reference on the driver object for each registration; the image
 * here is unloaded all the same, so the next arrival of the class calls into the unloaded image: 0xCE,
 * DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS.
 */
import type { DriverApi } from '../../../ddk/ts/wdm.ts';
import { DriverEntry as PnpMonitorEntry, unregisterInterfaceWith } from './PnpMonitor.ts';

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  unregisterInterfaceWith(KeepRegistration);
  return PnpMonitorEntry(DriverObject, RegistryPath, api);
}

/** The omission: the registration outlives the image. */
function KeepRegistration(_ext: number): void {}
