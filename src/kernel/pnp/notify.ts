/**
 * IoRegisterPlugPlayNotification for EventCategoryDeviceInterfaceChange: a driver's callback is told
 * of each interface of a class that is enabled (GUID_DEVICE_INTERFACE_ARRIVAL) or disabled
 * (GUID_DEVICE_INTERFACE_REMOVAL), and of those already enabled when it registers with
 * PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES. As on Windows the callbacks run later, at
 * PASSIVE_LEVEL on a system worker thread, never inside the call that changed the interface; here
 * they run in the order the changes happened, which keeps runs deterministic.
 */
import { DEVICE_INTERFACE_CHANGE_NOTIFICATION, UNICODE_STRING } from '../../nt/layout.ts';
import { GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL } from '../../nt/pnpnotify.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import type { WorkItem } from '../ke/dispatcher.ts';
import type { Kernel } from '../kernel.ts';
import { NotificationList } from './notify-list.ts';
import { TAG } from '../tags.ts';
import { writeGuid, type DeviceInterface } from './interfaces.ts';

const N = DEVICE_INTERFACE_CHANGE_NOTIFICATION.off;

/** nt routines a notification callback is called from (PnpNotifyDriverCallback comes with the root bus, root.ts: interfaces need a device). */
export const NOTIFY_FRAMES = ['ExpWorkerThread', 'PnpNotifyDriverCallback'] as const;

export interface PnpNotificationEntry {
  /** The opaque handle the driver was given (a small pool block of ours). */
  readonly handle: number;
  readonly driverObject: number;
  readonly classGuid: string;
  readonly callback: number;
  readonly context: number;
  /** Callbacks queued and not yet run: unregistering drops them. */
  readonly pending: Set<WorkItem>;
}

export class PnpNotifications {
  private readonly list: NotificationList<PnpNotificationEntry>;

  constructor(private readonly k: Kernel) {
    this.list = new NotificationList(k);
  }

  /** The registrations, in the order they were made. */
  get entries(): readonly PnpNotificationEntry[] {
    return this.list.entries;
  }

  register(driverObject: number, classGuid: string, callback: number, context: number): PnpNotificationEntry | undefined {
    return this.list.add((handle) => ({ handle, driverObject, classGuid, callback, context, pending: new Set<WorkItem>() }));
  }

  unregister(handle: number): boolean {
    const entry = this.list.remove(handle);
    if (!entry) return false;
    const queue = this.k.dispatcher.workQueue;
    for (const item of entry.pending) {
      queue.splice(queue.indexOf(item), 1);
      item.done?.();
    }
    return true;
  }

  /** Queue the callbacks of every entry of the interface's class. */
  interfaceChanged(iface: DeviceInterface, arrived: boolean): void {
    for (const e of this.entries) if (e.classGuid === iface.classGuid) this.queue(e, iface, arrived);
  }

  /**
   * One callback: a DEVICE_INTERFACE_CHANGE_NOTIFICATION (with its symbolic link name after it) in
   * paged pool, freed once the callback returns.
   */
  queue(entry: PnpNotificationEntry, iface: DeviceInterface, arrived: boolean): void {
    const k = this.k;
    const text = iface.linkName;
    const size = DEVICE_INTERFACE_CHANGE_NOTIFICATION.size;
    const block = k.pool.allocate(POOL_TYPE.PagedPool, size + UNICODE_STRING.size + 2 * text.length + 2, TAG.PnpNotify);
    if (block === 0) return; // As Windows, a notification it cannot allocate is not delivered.
    k.as.setU16(block + N.Version, 1);
    k.as.setU16(block + N.Size, size);
    writeGuid(k, block + N.Event, arrived ? GUID_DEVICE_INTERFACE_ARRIVAL : GUID_DEVICE_INTERFACE_REMOVAL);
    writeGuid(k, block + N.InterfaceClassGuid, iface.classGuid);
    const us = block + size;
    k.io.initUnicodeString(us, us + UNICODE_STRING.size, text);
    k.as.setU32(block + N.SymbolicLinkName, us);
    const item: WorkItem = {
      routine: entry.callback,
      args: [block, entry.context],
      frames: NOTIFY_FRAMES,
      done: () => {
        entry.pending.delete(item);
        k.pool.free(block, TAG.PnpNotify);
      },
    };
    entry.pending.add(item);
    k.dispatcher.workQueue.push(item);
  }
}
