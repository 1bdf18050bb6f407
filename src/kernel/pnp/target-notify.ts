/**
 * IoRegisterPlugPlayNotification for EventCategoryTargetDeviceChange: a driver that opened a device
 * registers with the file object, and is told when that device is about to go and when it is gone:
 * GUID_TARGET_DEVICE_QUERY_REMOVE before IRP_MN_QUERY_REMOVE_DEVICE (a callback that fails it vetoes
 * the removal, and a driver that keeps its handle open on success would keep the device),
 * GUID_TARGET_DEVICE_REMOVE_CANCELLED when the removal is vetoed (by a callback or a driver of the
 * stack), GUID_TARGET_DEVICE_REMOVE_COMPLETE after REMOVE_DEVICE, and after SURPRISE_REMOVAL. The
 * callbacks run on the PnP manager's thread at PASSIVE_LEVEL, in the order the drivers registered,
 * before the PnP manager goes on (the query needs their answers).
 *
 * The device is the one the file object's stack names: the PnP manager asks the stack with
 * IRP_MN_QUERY_DEVICE_RELATIONS / TargetDeviceRelation, as Windows does, and keys the entry to the PDO.
 */
import { DEVICE_RELATIONS, FILE_OBJECT, IO_STACK_LOCATION, TARGET_DEVICE_REMOVAL_NOTIFICATION } from '../../nt/layout.ts';
import { DEVICE_RELATION_TYPE, IRP_MN_PNP } from '../../nt/pnp.ts';
import { GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED, GUID_TARGET_DEVICE_REMOVE_COMPLETE } from '../../nt/pnpnotify.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { NotificationList } from './notify-list.ts';
import { TAG } from '../tags.ts';
import type { DeviceNode } from './devnode.ts';
import { writeGuid } from './interfaces.ts';
import { sendPnpIrp } from './irp.ts';
import { NOTIFY_FRAMES } from './notify.ts';

const T = TARGET_DEVICE_REMOVAL_NOTIFICATION.off;
const S = IO_STACK_LOCATION.off;

export interface TargetNotificationEntry {
  readonly handle: number;
  readonly driverObject: number;
  readonly fileObject: number;
  /** The PDO of the device the file object is open on. */
  readonly pdo: number;
  readonly callback: number;
  readonly context: number;
}

export class TargetDeviceNotifications {
  private readonly list: NotificationList<TargetNotificationEntry>;

  constructor(private readonly k: Kernel) {
    this.list = new NotificationList(k);
  }

  /** The registrations, in the order they were made. */
  get entries(): readonly TargetNotificationEntry[] {
    return this.list.entries;
  }

  /** The PDO of the stack a file object is open on (TargetDeviceRelation), or a failure status. */
  targetPdo(fileObject: number): number | { status: number } {
    const k = this.k;
    const device = k.as.u32(fileObject + FILE_OBJECT.off.DeviceObject);
    if (device === 0 || k.ob.kindOf(device) !== 'Device') return { status: STATUS.INVALID_PARAMETER };
    const r = sendPnpIrp(k, device, IRP_MN_PNP.QUERY_DEVICE_RELATIONS, (sp) => k.as.setU32(sp + S['Parameters.QueryDeviceRelations.Type'], DEVICE_RELATION_TYPE.TargetDeviceRelation));
    if (!NT_SUCCESS(r.status) || r.information === 0) return { status: NT_SUCCESS(r.status) ? STATUS.NOT_SUPPORTED : r.status };
    const relations = r.information;
    const pdo = k.as.u32(relations + DEVICE_RELATIONS.off.Objects);
    // The PnP manager only wanted the name: the reference the bus took and the list go back.
    if (pdo !== 0) k.ob.dereference(pdo);
    k.pool.free(relations, 0);
    if (pdo === 0 || !k.pnp.nodeOfPdo(pdo)) return { status: STATUS.NO_SUCH_DEVICE };
    return pdo;
  }

  register(driverObject: number, fileObject: number, pdo: number, callback: number, context: number): TargetNotificationEntry | undefined {
    return this.list.add((handle) => ({ handle, driverObject, fileObject, pdo, callback, context }));
  }

  unregister(handle: number): boolean {
    return this.list.remove(handle) !== undefined;
  }

  /** GUID_TARGET_DEVICE_QUERY_REMOVE to each entry of the device until one fails; the ones told before it hear REMOVE_CANCELLED. */
  queryRemove(node: DeviceNode): number {
    const told: TargetNotificationEntry[] = [];
    for (const e of this.of(node)) {
      const status = this.call(e, GUID_TARGET_DEVICE_QUERY_REMOVE);
      if (!NT_SUCCESS(status)) {
        for (const t of told) this.call(t, GUID_TARGET_DEVICE_REMOVE_CANCELLED);
        return status;
      }
      told.push(e);
    }
    return STATUS.SUCCESS;
  }

  removeCancelled(node: DeviceNode): void {
    for (const e of this.of(node)) this.call(e, GUID_TARGET_DEVICE_REMOVE_CANCELLED);
  }

  removeComplete(node: DeviceNode): void {
    for (const e of this.of(node)) this.call(e, GUID_TARGET_DEVICE_REMOVE_COMPLETE);
  }

  /** The entries of a device, in registration order (a snapshot: a callback may unregister its own). */
  private of(node: DeviceNode): TargetNotificationEntry[] {
    return this.entries.filter((e) => e.pdo === node.pdo);
  }

  /** One callback with its TARGET_DEVICE_REMOVAL_NOTIFICATION in paged pool, freed when it returns. */
  private call(entry: TargetNotificationEntry, event: string): number {
    const k = this.k;
    if (!this.entries.includes(entry)) return STATUS.SUCCESS; // unregistered by an earlier callback
    const block = k.pool.allocate(POOL_TYPE.PagedPool, TARGET_DEVICE_REMOVAL_NOTIFICATION.size, TAG.PnpNotify);
    if (block === 0) return STATUS.SUCCESS; // As Windows, a notification it cannot allocate is not delivered.
    k.as.setU16(block + T.Version, 1);
    k.as.setU16(block + T.Size, TARGET_DEVICE_REMOVAL_NOTIFICATION.size);
    writeGuid(k, block + T.Event, event);
    k.as.setU32(block + T.FileObject, entry.fileObject);
    try {
      return k.runInThread(k.systemThread, () => (k.callRoutine(entry.callback, [block, entry.context], NOTIFY_FRAMES) as number) >>> 0);
    } finally {
      k.pool.free(block, TAG.PnpNotify);
      k.dispatcher.runUntilIdle();
    }
  }
}

