/**
 * The registrations of one category of IoRegisterPlugPlayNotification (device interface, target device,
 * hardware profile): each gets a handle, a small nonpaged block the driver holds as its
 * NotificationEntry and gives back to IoUnregisterPlugPlayNotification(Ex), freed then. Each also holds
 * a counted reference on the driver object, as Windows' does: a driver unloaded with a registration
 * left keeps its image until the registration goes (IoManager.unloadDriver).
 */
import { POOL_TYPE } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

export class NotificationList<E extends { readonly handle: number; readonly driverObject: number }> {
  /** In registration order: the order callbacks are called in. */
  readonly entries: E[] = [];

  constructor(private readonly k: Kernel) {}

  /** A registration made of its handle, or undefined when its block cannot be allocated. */
  add(make: (handle: number) => E): E | undefined {
    const handle = this.k.pool.allocate(POOL_TYPE.NonPagedPool, 8, TAG.PnpNotify);
    if (handle === 0) return undefined;
    const entry = make(handle);
    this.entries.push(entry);
    this.k.ob.reference(entry.driverObject);
    return entry;
  }

  /** The registration of `handle`, taken off the list with its block freed; undefined when it is not one. */
  remove(handle: number): E | undefined {
    const i = this.entries.findIndex((e) => e.handle === handle);
    if (i < 0) return undefined;
    const [entry] = this.entries.splice(i, 1);
    this.k.pool.free(handle, TAG.PnpNotify);
    // The last reference to an unloaded driver's object completes its unload (IoManager.unloadDriver).
    this.k.ob.dereference(entry!.driverObject);
    return entry;
  }
}
