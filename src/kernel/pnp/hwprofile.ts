/**
 * IoRegisterPlugPlayNotification for EventCategoryHardwareProfileChange: the machine's hardware profile
 * changes (a dock or undock) when a run asks for it (`PnpManager.hardwareProfileChange`). As for a
 * removal (target-notify.ts), the callbacks are asked first, GUID_HWPROFILE_QUERY_CHANGE, in the order
 * the drivers registered; one that fails it vetoes the change and the ones asked before it hear
 * GUID_HWPROFILE_CHANGE_CANCELLED; otherwise every callback hears GUID_HWPROFILE_CHANGE_COMPLETE. Each
 * runs on the PnP manager's thread at PASSIVE_LEVEL with a HWPROFILE_CHANGE_NOTIFICATION in paged pool
 * freed when it returns. The machine has one profile: nothing else changes with it.
 */
import { HWPROFILE_CHANGE_NOTIFICATION } from '../../nt/layout.ts';
import { GUID_HWPROFILE_CHANGE_CANCELLED, GUID_HWPROFILE_CHANGE_COMPLETE, GUID_HWPROFILE_QUERY_CHANGE } from '../../nt/pnpnotify.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { NotificationList } from './notify-list.ts';
import { TAG } from '../tags.ts';
import { writeGuid } from './interfaces.ts';
import { NOTIFY_FRAMES } from './notify.ts';

const H = HWPROFILE_CHANGE_NOTIFICATION.off;

export interface HardwareProfileEntry {
  readonly handle: number;
  readonly driverObject: number;
  readonly callback: number;
  readonly context: number;
}

export class HardwareProfileNotifications {
  private readonly list: NotificationList<HardwareProfileEntry>;

  constructor(private readonly k: Kernel) {
    this.list = new NotificationList(k);
  }

  /** The registrations, in the order they were made. */
  get entries(): readonly HardwareProfileEntry[] {
    return this.list.entries;
  }

  register(driverObject: number, callback: number, context: number): HardwareProfileEntry | undefined {
    return this.list.add((handle) => ({ handle, driverObject, callback, context }));
  }

  unregister(handle: number): boolean {
    return this.list.remove(handle) !== undefined;
  }

  /** Ask, then complete (or cancel) a profile change; the status of the callback that vetoed it, or success. */
  change(): number {
    const told: HardwareProfileEntry[] = [];
    for (const e of [...this.entries]) {
      const status = this.call(e, GUID_HWPROFILE_QUERY_CHANGE);
      if (!NT_SUCCESS(status)) {
        for (const t of told) this.call(t, GUID_HWPROFILE_CHANGE_CANCELLED);
        return status;
      }
      told.push(e);
    }
    for (const e of [...this.entries]) this.call(e, GUID_HWPROFILE_CHANGE_COMPLETE);
    return STATUS.SUCCESS;
  }

  private call(entry: HardwareProfileEntry, event: string): number {
    const k = this.k;
    if (!this.entries.includes(entry)) return STATUS.SUCCESS; // unregistered by an earlier callback
    const block = k.pool.allocate(POOL_TYPE.PagedPool, HWPROFILE_CHANGE_NOTIFICATION.size, TAG.PnpNotify);
    if (block === 0) return STATUS.SUCCESS; // As Windows, a notification it cannot allocate is not delivered.
    k.as.setU16(block + H.Version, 1);
    k.as.setU16(block + H.Size, HWPROFILE_CHANGE_NOTIFICATION.size);
    writeGuid(k, block + H.Event, event);
    try {
      return k.runInThread(k.systemThread, () => (k.callRoutine(entry.callback, [block, entry.context], NOTIFY_FRAMES) as number) >>> 0);
    } finally {
      k.pool.free(block, TAG.PnpNotify);
      k.dispatcher.runUntilIdle();
    }
  }
}
