/**
 * IoOpenDeviceRegistryKey: the hardware or software key of a device instance. Only a physical
 * device object (PDO), which the PnP manager creates for a device it enumerated, has them; the
 * machine has no PnP manager yet, so no device object is a PDO and the call fails as Windows fails
 * it for any other device object.
 */
import { PLUGPLAY_REGKEY } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const KEY_TYPES = PLUGPLAY_REGKEY.DEVICE | PLUGPLAY_REGKEY.DRIVER | PLUGPLAY_REGKEY.CURRENT_HWPROFILE;

export function ioRegistryExports(k: Kernel) {
  return {
    IoOpenDeviceRegistryKey(DeviceObject: number, DevInstKeyType: number, _DesiredAccess: number, DevInstRegKey: number): number {
      const kind = DevInstKeyType >>> 0;
      // Exactly one of DEVICE and DRIVER, optionally with CURRENT_HWPROFILE.
      const base = kind & (PLUGPLAY_REGKEY.DEVICE | PLUGPLAY_REGKEY.DRIVER);
      if ((kind & ~KEY_TYPES) !== 0 || (base !== PLUGPLAY_REGKEY.DEVICE && base !== PLUGPLAY_REGKEY.DRIVER)) return STATUS.INVALID_PARAMETER;
      if (k.ob.kindOf(DeviceObject >>> 0) !== 'Device') return STATUS.INVALID_PARAMETER;
      if (DevInstRegKey !== 0) k.as.setU32(DevInstRegKey, 0);
      return STATUS.INVALID_DEVICE_REQUEST;
    },
  };
}
