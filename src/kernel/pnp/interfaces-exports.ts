/**
 * The device interface and PnP notification DDIs (interfaces.ts, notify.ts). PASSIVE_LEVEL, all of them.
 */
import { EVENT_CATEGORY, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES } from '../../nt/pnpnotify.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG_STRING } from '../rtl/ansi.ts';
import { readGuid } from './interfaces.ts';

export function pnpInterfaceExports(k: Kernel) {
  const table = () => k.pnp.interfaces;
  const notifications = () => k.pnp.notifications;
  const unregister = (NotificationEntry: number): number => {
    const entry = NotificationEntry >>> 0;
    if (notifications().unregister(entry) || k.pnp.targets.unregister(entry) || k.pnp.profiles.unregister(entry)) return STATUS.SUCCESS;
    return STATUS.INVALID_PARAMETER;
  };
  return {
    /**
     * Register an interface of a class for a PDO the PnP manager enumerated (any other device object:
     * STATUS_INVALID_DEVICE_REQUEST); *SymbolicLinkName gets its name in paged pool, the caller frees
     * it with RtlFreeUnicodeString. Registering again gives the same name.
     */
    IoRegisterDeviceInterface(PhysicalDeviceObject: number, InterfaceClassGuid: number, ReferenceString: number, SymbolicLinkName: number): number {
      const node = k.pnp.nodeOfPdo(PhysicalDeviceObject >>> 0);
      if (!node || PhysicalDeviceObject === 0) return STATUS.INVALID_DEVICE_REQUEST;
      const ref = ReferenceString === 0 ? '' : k.io.readUnicodeString(ReferenceString >>> 0);
      if (ref.includes('\\') || ref.includes('/')) return STATUS.INVALID_DEVICE_REQUEST;
      const iface = table().register(node, readGuid(k, InterfaceClassGuid >>> 0), ref);
      return table().writeUnicodeString(SymbolicLinkName >>> 0, iface.linkName);
    },

    /** Enable (the link is created, arrival notified) or disable an interface; again in the same state: OBJECT_NAME_EXISTS / _NOT_FOUND. */
    IoSetDeviceInterfaceState(SymbolicLinkName: number, Enable: number): number {
      const iface = table().byLink(k.io.readUnicodeString(SymbolicLinkName >>> 0));
      if (!iface) return STATUS.OBJECT_NAME_NOT_FOUND;
      return table().setState(iface, (Enable & 0xff) !== 0);
    },

    /**
     * *SymbolicLinkList gets the names of the class's interfaces (enabled ones unless
     * DEVICE_INTERFACE_INCLUDE_NONACTIVE; of one PDO when it is not NULL) as a MULTI_SZ in paged pool
     * the caller frees with ExFreePool; none: an empty list (one UNICODE_NULL... and its terminator).
     */
    IoGetDeviceInterfaces(InterfaceClassGuid: number, PhysicalDeviceObject: number, Flags: number, SymbolicLinkList: number): number {
      const pdo = PhysicalDeviceObject >>> 0;
      if (pdo !== 0 && !k.pnp.nodeOfPdo(pdo)) return STATUS.INVALID_DEVICE_REQUEST;
      const names = table().list(readGuid(k, InterfaceClassGuid >>> 0), pdo, Flags >>> 0).map((i) => i.linkName);
      const text = names.length === 0 ? '\0' : names.join('\0') + '\0';
      const list = k.pool.allocate(POOL_TYPE.PagedPool, 2 * text.length + 2, TAG_STRING);
      if (list === 0) return STATUS.INSUFFICIENT_RESOURCES;
      k.as.writeUtf16(list, text);
      k.as.setU16(list + 2 * text.length, 0);
      k.as.setU32(SymbolicLinkList >>> 0, list);
      return STATUS.SUCCESS;
    },

    /**
     * The interface of another class the same device registered with the same reference string (an
     * alias), its name in paged pool for RtlFreeUnicodeString; none: OBJECT_NAME_NOT_FOUND; a name
     * that is no interface: INVALID_HANDLE.
     */
    IoGetDeviceInterfaceAlias(SymbolicLinkName: number, AliasInterfaceClassGuid: number, AliasSymbolicLinkName: number): number {
      const iface = table().byLink(k.io.readUnicodeString(SymbolicLinkName >>> 0));
      if (!iface) return STATUS.INVALID_HANDLE;
      const classGuid = readGuid(k, AliasInterfaceClassGuid >>> 0);
      const alias = table().all.find((i) => i.node === iface.node && i.refString === iface.refString && i.classGuid === classGuid && i !== iface);
      if (!alias) return STATUS.OBJECT_NAME_NOT_FOUND;
      return table().writeUnicodeString(AliasSymbolicLinkName >>> 0, alias.linkName);
    },

    /**
     * EventCategoryDeviceInterfaceChange: EventCategoryData is the class GUID (notify.ts).
     * EventCategoryTargetDeviceChange: EventCategoryData is a file object open on the device
     * (target-notify.ts). EventCategoryHardwareProfileChange: the callback hears a profile change a run
     * asks for (hwprofile.ts). Any other category:
     * STATUS_INVALID_PARAMETER.
     */
    IoRegisterPlugPlayNotification(EventCategory: number, EventCategoryFlags: number, EventCategoryData: number, DriverObject: number,
      CallbackRoutine: number, Context: number, NotificationEntry: number): number {
      if (CallbackRoutine === 0 || k.ob.kindOf(DriverObject >>> 0) !== 'Driver') return STATUS.INVALID_PARAMETER;
      if (EventCategory === EVENT_CATEGORY.HardwareProfileChange) {
        const entry = k.pnp.profiles.register(DriverObject >>> 0, CallbackRoutine >>> 0, Context >>> 0);
        if (!entry) return STATUS.INSUFFICIENT_RESOURCES;
        k.as.setU32(NotificationEntry >>> 0, entry.handle);
        return STATUS.SUCCESS;
      }
      if (EventCategory === EVENT_CATEGORY.TargetDeviceChange) {
        const file = EventCategoryData >>> 0;
        if (file === 0 || k.ob.kindOf(file) !== 'File') return STATUS.INVALID_PARAMETER;
        const pdo = k.pnp.targets.targetPdo(file);
        if (typeof pdo !== 'number') return pdo.status;
        const entry = k.pnp.targets.register(DriverObject >>> 0, file, pdo, CallbackRoutine >>> 0, Context >>> 0);
        if (!entry) return STATUS.INSUFFICIENT_RESOURCES;
        k.as.setU32(NotificationEntry >>> 0, entry.handle);
        return STATUS.SUCCESS;
      }
      if (EventCategory !== EVENT_CATEGORY.DeviceInterfaceChange || EventCategoryData === 0) return STATUS.INVALID_PARAMETER;
      const guid = readGuid(k, EventCategoryData >>> 0);
      const entry = notifications().register(DriverObject >>> 0, guid, CallbackRoutine >>> 0, Context >>> 0);
      if (!entry) return STATUS.INSUFFICIENT_RESOURCES;
      if (EventCategoryFlags & PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES) {
        for (const iface of table().list(guid, 0, 0)) notifications().queue(entry, iface, true);
      }
      k.as.setU32(NotificationEntry >>> 0, entry.handle);
      return STATUS.SUCCESS;
    },

    /** No callback of the entry runs after this returns (queued ones are dropped). */
    IoUnregisterPlugPlayNotification: unregister,
    IoUnregisterPlugPlayNotificationEx: unregister,
  };
}
