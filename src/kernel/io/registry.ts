/**
 * IoOpenDriverRegistryKey: a driver's own keys, under the service key its DriverExtension names.
 * IoOpenDeviceRegistryKey: the hardware or software key of a device instance. Only a physical
 * device object (PDO), which the PnP manager creates for a device it enumerated, has them; the
 * machine has no PnP manager yet, so no device object is a PDO and the call fails as Windows fails
 * it for any other device object.
 */
import { DRIVER_EXTENSION, DRIVER_OBJECT, UNICODE_STRING } from '../../nt/layout.ts';
import { DRIVER_REGKEY_TYPE, PLUGPLAY_REGKEY } from '../../nt/registry.ts';
import { SERVICES_PATH } from '../cm/hive.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const KEY_TYPES = PLUGPLAY_REGKEY.DEVICE | PLUGPLAY_REGKEY.DRIVER | PLUGPLAY_REGKEY.CURRENT_HWPROFILE;

/**
 * Where each DRIVER_REGKEY_TYPE is, below the service key. Parameters is the key an INF's AddReg
 * fills; the persistent-state location is not documented: State is this project's choice.
 */
const DRIVER_KEYS: Readonly<Record<number, string>> = {
  [DRIVER_REGKEY_TYPE.DriverRegKeyParameters]: 'Parameters',
  [DRIVER_REGKEY_TYPE.DriverRegKeyPersistentState]: 'State',
};

export function ioRegistryExports(k: Kernel) {
  return {
    /** A handle to the driver's Parameters or persistent-state key (created if missing); Flags must be 0. */
    IoOpenDriverRegistryKey(DriverObject: number, RegKeyType: number, _DesiredAccess: number, Flags: number, DriverRegKey: number): number {
      const sub = DRIVER_KEYS[RegKeyType >>> 0];
      if (k.ob.kindOf(DriverObject >>> 0) !== 'Driver' || Flags !== 0 || sub === undefined) return STATUS.INVALID_PARAMETER;
      const ext = k.as.u32((DriverObject >>> 0) + DRIVER_OBJECT.off.DriverExtension);
      const name = k.cm.readUnicodeString(ext + DRIVER_EXTENSION.off.ServiceKeyName);
      const service = name ? k.cm.hive.lookup(`${SERVICES_PATH}\\${name}`) : undefined;
      if (!service) return STATUS.OBJECT_NAME_NOT_FOUND;
      const handle = k.cm.openHandle(k.cm.hive.createKey(service, sub).key);
      if (handle === undefined) return STATUS.INSUFFICIENT_RESOURCES;
      k.as.setU32(DriverRegKey, handle);
      return STATUS.SUCCESS;
    },

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
