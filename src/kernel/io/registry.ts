/**
 * IoOpenDriverRegistryKey: a driver's own keys, under the service key its DriverExtension names.
 * IoOpenDeviceRegistryKey: the hardware or software key of a device instance. Only a physical
 * device object (PDO), which the PnP manager creates for a device it enumerated, has them: any other
 * device object gets STATUS_INVALID_DEVICE_REQUEST, as on Windows. PLUGPLAY_REGKEY_DEVICE is the
 * devnode's `Enum\<instance>\Device Parameters`; PLUGPLAY_REGKEY_DRIVER its software key,
 * `Control\Class\<class>\NNNN`, which the devnode's Enum key names in its Driver value (created on
 * first use, as the installer would have); with PLUGPLAY_REGKEY_CURRENT_HWPROFILE the same paths
 * below `Hardware Profiles\Current\System\CurrentControlSet`.
 */
import { DRIVER_EXTENSION, DRIVER_OBJECT, UNICODE_STRING } from '../../nt/layout.ts';
import { DRIVER_REGKEY_TYPE, PLUGPLAY_REGKEY } from '../../nt/registry.ts';
import { SERVICES_PATH, szData, utf16Text } from '../cm/hive.ts';
import { REG } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const CONTROL_SET = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet';

/** The setup classes whose GUID Windows names them by in Control\Class; any other class is keyed by its name here. */
const CLASS_GUIDS: Readonly<Record<string, string>> = {
  system: '{4d36e97d-e325-11ce-bfc1-08002be10318}',
};
const classKeyName = (deviceClass: string) => CLASS_GUIDS[deviceClass.toLowerCase()] ?? deviceClass;

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
      const node = k.pnp.nodeOfPdo(DeviceObject >>> 0);
      if (!node?.key) return STATUS.INVALID_DEVICE_REQUEST;
      const hive = k.cm.hive;
      const root = kind & PLUGPLAY_REGKEY.CURRENT_HWPROFILE ? `${CONTROL_SET}\\Hardware Profiles\\Current\\System\\CurrentControlSet` : CONTROL_SET;
      let key;
      if (base === PLUGPLAY_REGKEY.DEVICE) {
        key = hive.createPath(`${root}\\Enum\\${node.instancePath}\\Device Parameters`);
      } else {
        const driverValue = node.key.value('Driver');
        let driverKey = driverValue ? utf16Text(driverValue.data) : undefined;
        if (driverKey === undefined) {
          // The first free NNNN under the device's class, as the installer numbers them.
          const cls = hive.createPath(`${CONTROL_SET}\\Control\\Class\\${classKeyName(node.deviceClass)}`);
          const taken = new Set(cls.sortedSubkeys().map((c) => c.name));
          let n = 0;
          while (taken.has(n.toString().padStart(4, '0'))) n++;
          driverKey = `${classKeyName(node.deviceClass)}\\${n.toString().padStart(4, '0')}`;
          hive.setValue(node.key, 'Driver', REG.SZ, szData(driverKey));
        }
        key = hive.createPath(`${root}\\Control\\Class\\${driverKey}`);
      }
      const handle = k.cm.openHandle(key);
      if (handle === undefined) return STATUS.INSUFFICIENT_RESOURCES;
      k.as.setU32(DevInstRegKey >>> 0, handle);
      return STATUS.SUCCESS;
    },
  };
}
