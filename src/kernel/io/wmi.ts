/**
 * The I/O manager's WMI routines a driver calls directly. A WMI provider ID names the device object
 * that registered as a provider (IoWMIRegistrationControl); on 32-bit Windows it is the device
 * object's address, so it is here.
 */
import type { Kernel } from '../kernel.ts';

export function ioWmiExports(_k: Kernel) {
  return {
    IoWMIDeviceObjectToProviderId(DeviceObject: number): number {
      return DeviceObject >>> 0;
    },
  };
}
