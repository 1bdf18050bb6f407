/**
 * The WMI consumer routines a driver calls to watch WMI events: IoWMIOpenBlock opens the data block
 * object of a WMI class (by its GUID; a class no provider registered yet may be opened, so a driver can
 * wait for its events before the provider arrives, as toastmon does), IoWMISetNotificationCallback
 * registers a callback for the class's events on an object opened with WMIGUID_NOTIFICATION, and
 * ObDereferenceObject closes the object. The machine has no WMI event source yet: a callback is
 * registered and kept, and never called. Both routines run at APC_LEVEL at most.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { readGuid } from '../pnp/interfaces.ts';
import { TAG } from '../tags.ts';

/** WMIGUID_NOTIFICATION (dv/iowmi.h). */
const WMIGUID_NOTIFICATION = 0x0004;
/** The data block object's body: the class GUID (16 bytes) and the access it was opened with. */
const BLOCK_SIZE = 0x20;

/** An open data block: its class, the access granted, its notification callback. */
export interface WmiDataBlock {
  readonly guid: string;
  readonly access: number;
  callback: number;
  context: number;
}

export function ioWmiConsumerExports(k: Kernel) {
  const as = k.as;
  const blocks = new Map<number, WmiDataBlock>();
  return {
    IoWMIOpenBlock(Guid: number, DesiredAccess: number, DataBlockObject: number): number {
      if (Guid === 0 || DataBlockObject === 0) return STATUS.INVALID_PARAMETER;
      const object = k.tryAllocateKernelObject(BLOCK_SIZE, TAG.WmiBlock);
      if (object === 0) return STATUS.INSUFFICIENT_RESOURCES;
      as.zero(object, BLOCK_SIZE);
      as.copy(object, Guid, 16);
      as.setU32(object + 16, DesiredAccess >>> 0);
      blocks.set(object, { guid: readGuid(k, Guid), access: DesiredAccess >>> 0, callback: 0, context: 0 });
      k.ob.create(object, 'WmiGuid', () => {
        blocks.delete(object);
        k.freeKernelObject(object);
      });
      as.setU32(DataBlockObject, object);
      return STATUS.SUCCESS;
    },

    IoWMISetNotificationCallback(Object: number, Callback: number, Context: number): number {
      const block = blocks.get(Object >>> 0);
      if (!block) return STATUS.INVALID_PARAMETER;
      if ((block.access & WMIGUID_NOTIFICATION) === 0) return STATUS.ACCESS_DENIED;
      block.callback = Callback >>> 0;
      block.context = Context >>> 0;
      return STATUS.SUCCESS;
    },
  };
}
