/**
 * Device interfaces (IoRegisterDeviceInterface, IoSetDeviceInterfaceState, IoGetDeviceInterfaces):
 * a driver registers an interface class for its PDO and enables it; enabling creates the symbolic
 * link \??\<instance path with # for \>#{class}[\RefString] to the PDO (opening it reaches the top
 * of the device's stack) and tells the interface-change subscribers (notify.ts). The registry keeps
 * each interface under Control\DeviceClasses\{class}, as Windows does. The PnP manager disables a
 * device's interfaces when the device is removed.
 */
import { DEVICE_INTERFACE_INCLUDE_NONACTIVE } from '../../nt/pnpnotify.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { REG } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import { dwordData, szData } from '../cm/hive.ts';
import type { Kernel } from '../kernel.ts';
import { TAG_STRING } from '../rtl/ansi.ts';
import type { DeviceNode } from './devnode.ts';

export const DEVICE_CLASSES_PATH = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Control\\DeviceClasses';

export interface DeviceInterface {
  /** The devnode now behind the instance path (a device enumerated again at the same path takes its interfaces back). */
  node: DeviceNode;
  /** {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, upper case. */
  readonly classGuid: string;
  readonly refString: string;
  /** \??\ROOT#SYSTEM#0000#{class}[\ref]: the name drivers are given. */
  readonly linkName: string;
  enabled: boolean;
}

/** The registry form of the 16-byte GUID at `address`. */
export function readGuid(k: Kernel, address: number): string {
  const as = k.as;
  const h = (v: number, digits: number) => v.toString(16).toUpperCase().padStart(digits, '0');
  const b = (i: number) => h(as.u8(address + i), 2);
  const tail = [8, 9].map(b).join('') + '-' + [10, 11, 12, 13, 14, 15].map(b).join('');
  return `{${h(as.u32(address), 8)}-${h(as.u16(address + 4), 4)}-${h(as.u16(address + 6), 4)}-${tail}}`;
}

/** Write a registry-form GUID as its 16 bytes. */
export function writeGuid(k: Kernel, address: number, guid: string): void {
  const hex = guid.replace(/[{}-]/g, '');
  k.as.setU32(address, parseInt(hex.slice(0, 8), 16));
  k.as.setU16(address + 4, parseInt(hex.slice(8, 12), 16));
  k.as.setU16(address + 6, parseInt(hex.slice(12, 16), 16));
  for (let i = 0; i < 8; i++) k.as.setU8(address + 8 + i, parseInt(hex.slice(16 + 2 * i, 18 + 2 * i), 16));
}

export class DeviceInterfaceTable {
  /** In registration order: IoGetDeviceInterfaces lists them so. */
  readonly all: DeviceInterface[] = [];
  /** Told when an interface is enabled (true) or disabled (false): notify.ts queues the callbacks. */
  onChange?: (iface: DeviceInterface, arrived: boolean) => void;

  constructor(private readonly k: Kernel) {}

  byLink(name: string): DeviceInterface | undefined {
    const key = name.toUpperCase();
    return this.all.find((i) => i.linkName.toUpperCase() === key);
  }

  /** Register (or find: registering twice gives the same name) the interface of a devnode. */
  register(node: DeviceNode, classGuid: string, refString: string): DeviceInterface {
    const base = `${node.instancePath.replace(/\\/g, '#')}#${classGuid}`;
    const linkName = `\\??\\${base}${refString ? `\\${refString}` : ''}`;
    const existing = this.byLink(linkName);
    if (existing) {
      // The registration outlives the device, as its DeviceClasses key does: a new device at the same instance path gets it.
      existing.node = node;
      return existing;
    }
    const iface: DeviceInterface = { node, classGuid, refString, linkName, enabled: false };
    this.all.push(iface);
    const hive = this.k.cm.hive;
    const key = hive.createPath(`${DEVICE_CLASSES_PATH}\\${classGuid}\\##?#${base}`);
    hive.setValue(key, 'DeviceInstance', REG.SZ, szData(node.instancePath));
    const ref = hive.createKey(key, `#${refString}`).key;
    hive.setValue(ref, 'SymbolicLink', REG.SZ, szData(`\\\\?\\${base}${refString ? `\\${refString}` : ''}`));
    return iface;
  }

  /** IoSetDeviceInterfaceState's work. */
  setState(iface: DeviceInterface, enable: boolean): number {
    if (iface.enabled === enable) return enable ? STATUS.OBJECT_NAME_EXISTS : STATUS.OBJECT_NAME_NOT_FOUND;
    const k = this.k;
    const refKey = k.cm.hive.lookup(`${DEVICE_CLASSES_PATH}\\${iface.classGuid}\\##?#${iface.linkName.slice(4).split('\\')[0]}\\#${iface.refString}`);
    if (enable) {
      // A removed device's interface cannot come back until the device is enumerated again.
      const target = iface.node.state === 'DeviceNodeDeleted' ? undefined : k.io.deviceName(iface.node.pdo);
      if (target === undefined) return STATUS.NO_SUCH_DEVICE;
      if (!k.ob.createLink(iface.linkName, target)) return STATUS.OBJECT_NAME_COLLISION;
      if (refKey) k.cm.hive.setValue(k.cm.hive.createKey(refKey, 'Control').key, 'Linked', REG.DWORD, dwordData(1));
    } else {
      k.ob.removeName(iface.linkName);
      if (refKey) k.cm.hive.deleteTree(`${DEVICE_CLASSES_PATH}\\${iface.classGuid}\\##?#${iface.linkName.slice(4).split('\\')[0]}\\#${iface.refString}\\Control`);
    }
    iface.enabled = enable;
    this.onChange?.(iface, enable);
    return STATUS.SUCCESS;
  }

  /** Windows disables a removed device's interfaces (the registrations stay in the registry). */
  disableAll(node: DeviceNode): void {
    for (const i of this.all) if (i.node === node && i.enabled) this.setState(i, false);
  }

  /** The interfaces of a class (of one PDO when pdo is not 0): enabled ones unless INCLUDE_NONACTIVE. */
  list(classGuid: string, pdo: number, flags: number): DeviceInterface[] {
    return this.all.filter(
      (i) => i.classGuid === classGuid && (pdo === 0 || i.node.pdo === pdo) && (i.enabled || (flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE) !== 0),
    );
  }

  /** A PagedPool UNICODE_STRING buffer, freed by RtlFreeUnicodeString ('Strg'). */
  writeUnicodeString(us: number, text: string): number {
    const buffer = this.k.pool.allocate(POOL_TYPE.PagedPool, 2 * text.length + 2, TAG_STRING);
    if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
    this.k.io.initUnicodeString(us, buffer, text);
    return STATUS.SUCCESS;
  }
}
