/**
 * IoGetDevicePropertyData / IoSetDevicePropertyData: a device's properties in the unified property
 * model, named by DEVPROPKEY (a GUID and a property ID) and locale, each stored with its DEVPROPTYPE.
 * The properties here are those drivers set on the device (the PnP manager's own, such as
 * DEVPKEY_Device_HardwareIds, are not in this store: a read of one is OBJECT_NAME_NOT_FOUND); they live
 * with the devnode and go with it. Both take a PDO (any other device object is bug check 0xCA / 2, as
 * IoGetDeviceProperty), and run at PASSIVE_LEVEL.
 *
 * IoOpenDeviceInterfaceRegistryKey: the Device Parameters key of a device interface, below its
 * reference-string key under Control\DeviceClasses.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { DeviceNode } from './devnode.ts';
import { DEVICE_CLASSES_PATH, readGuid } from './interfaces.ts';

/** 0xCA's Parameter 1 for a device object that is not a PDO. */
const INVALID_PDO = 0x2;
/** DEVPROP_TYPE_EMPTY: setting it deletes the property. */
const DEVPROP_TYPE_EMPTY = 0;
/** IoSetDevicePropertyData's Flags: the value survives a reboot (it is kept with the devnode here either way). */
const PLUGPLAY_PROPERTY_PERSISTENT = 0x1;
/** DEVPROPKEY: fmtid (GUID, 16 bytes) then pid. */
const DEVPROPKEY_PID = 16;

interface PropertyValue {
  readonly type: number;
  readonly data: Uint8Array;
}

export function devicePropertyDataExports(k: Kernel) {
  const stores = new WeakMap<DeviceNode, Map<string, PropertyValue>>();
  const storeOf = (node: DeviceNode) => stores.get(node) ?? stores.set(node, new Map()).get(node)!;
  const nodeOf = (pdo: number): DeviceNode => k.pnp.nodeOfPdo(pdo >>> 0) ?? k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, INVALID_PDO, pdo >>> 0, 0, 0);
  const keyOf = (propertyKey: number, lcid: number) => `${readGuid(k, propertyKey)}:${k.as.u32(propertyKey + DEVPROPKEY_PID)}:${lcid >>> 0}`;
  return {
    /**
     * *Type gets the property's DEVPROPTYPE and *RequiredSize its size; a buffer too small is
     * BUFFER_TOO_SMALL (nothing copied), a property the device does not have OBJECT_NAME_NOT_FOUND
     * (*Type DEVPROP_TYPE_EMPTY). Flags must be 0.
     */
    IoGetDevicePropertyData(Pdo: number, PropertyKey: number, Lcid: number, Flags: number, Size: number, Data: number, RequiredSize: number, Type: number): number {
      const node = nodeOf(Pdo);
      if (PropertyKey === 0 || Flags !== 0 || Type === 0) return STATUS.INVALID_PARAMETER;
      const value = storeOf(node).get(keyOf(PropertyKey >>> 0, Lcid));
      k.as.setU32(Type >>> 0, value?.type ?? DEVPROP_TYPE_EMPTY);
      if (RequiredSize) k.as.setU32(RequiredSize >>> 0, value?.data.length ?? 0);
      if (!value) return STATUS.OBJECT_NAME_NOT_FOUND;
      if ((Size >>> 0) < value.data.length) return STATUS.BUFFER_TOO_SMALL;
      if (value.data.length > 0) k.as.write(Data >>> 0, value.data);
      return STATUS.SUCCESS;
    },

    /** Set (a copy of Size bytes at Data, with Type) or delete (DEVPROP_TYPE_EMPTY, or no data) a property. */
    IoSetDevicePropertyData(Pdo: number, PropertyKey: number, Lcid: number, Flags: number, Type: number, Size: number, Data: number): number {
      const node = nodeOf(Pdo);
      if (PropertyKey === 0 || (Flags & ~PLUGPLAY_PROPERTY_PERSISTENT) !== 0) return STATUS.INVALID_PARAMETER;
      if ((Size >>> 0) > 0 && Data === 0) return STATUS.INVALID_PARAMETER;
      const key = keyOf(PropertyKey >>> 0, Lcid);
      const store = storeOf(node);
      if (Type >>> 0 === DEVPROP_TYPE_EMPTY || (Size >>> 0) === 0) {
        store.delete(key);
        return STATUS.SUCCESS;
      }
      store.set(key, { type: Type >>> 0, data: k.as.read(Data >>> 0, Size >>> 0).slice() });
      return STATUS.SUCCESS;
    },

    /** A handle to the interface's Device Parameters key (created if missing); a name that is no interface: OBJECT_NAME_NOT_FOUND. */
    IoOpenDeviceInterfaceRegistryKey(SymbolicLinkName: number, _DesiredAccess: number, DeviceInterfaceRegKey: number): number {
      const iface = k.pnp.interfaces.byLink(k.io.readUnicodeString(SymbolicLinkName >>> 0));
      if (DeviceInterfaceRegKey !== 0) k.as.setU32(DeviceInterfaceRegKey >>> 0, 0);
      if (!iface) return STATUS.OBJECT_NAME_NOT_FOUND;
      const instance = iface.linkName.slice(4).split('\\')[0]!;
      const key = k.cm.hive.createPath(`${DEVICE_CLASSES_PATH}\\${iface.classGuid}\\##?#${instance}\\#${iface.refString}\\Device Parameters`);
      const handle = k.cm.openHandle(key);
      if (handle === undefined) return STATUS.INSUFFICIENT_RESOURCES;
      k.as.setU32(DeviceInterfaceRegKey >>> 0, handle);
      return STATUS.SUCCESS;
    },
  };
}
