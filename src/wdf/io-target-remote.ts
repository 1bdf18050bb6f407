/**
 * Remote I/O targets (FxIoTargetRemote): WdfIoTargetCreate makes a closed target; WdfIoTargetOpen opens
 * it on a DEVICE_OBJECT the driver has (UseExistingDevice), by name (ByName: ZwCreateFile, the file
 * object by ObReferenceObjectByHandle, the target the top of that device's stack, as Windows does), or
 * again with what it was opened with (Reopen). An open by name registers for the target device's PnP
 * notifications (IoRegisterPlugPlayNotification, EventCategoryTargetDeviceChange): on a query-remove the
 * driver's EvtIoTargetQueryRemove runs (it closes the target, WdfIoTargetCloseForQueryRemove), or the
 * framework closes it; on a cancelled removal EvtIoTargetRemoveCanceled (the driver reopens), or the
 * framework reopens; when the device is gone EvtIoTargetRemoveComplete, or the framework closes it, and
 * the target is Deleted. Start, stop and purge are the state machine of io-target.ts, for local targets too.
 */
import { DEVICE_OBJECT, FILE_OBJECT, IO_STATUS_BLOCK, OBJECT_ATTRIBUTES, TARGET_DEVICE_REMOVAL_NOTIFICATION, UNICODE_STRING } from '../nt/layout.ts';
import { EVENT_CATEGORY, GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_CANCELLED, GUID_TARGET_DEVICE_REMOVE_COMPLETE } from '../nt/pnpnotify.ts';
import { NT_SUCCESS, STATUS, statusName } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import { WDF_IO_TARGET_OPEN_PARAMS, WDF_IO_TARGET_OPEN_TYPE, WDF_IO_TARGET_PURGE_IO_ACTION, WDF_IO_TARGET_SENT_IO_ACTION, WDF_IO_TARGET_STATE } from '../nt/wdf-target.ts';
import { lowerDevice } from '../kernel/io/stack.ts';
import { readGuid } from '../kernel/pnp/interfaces.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxIoTarget, cancelAll, sendPended, waitForSent } from './io-target.ts';
import { fxRoutine } from './ke.ts';
import { verifierBreak } from './verifier.ts';
import { PASSIVE_LEVEL } from '../nt/irql.ts';
import { FxMemory } from './memory.ts';
import { readAttributes, type FxAttributes, type FxObject } from './object.ts';
import { POOL_TYPE } from '../nt/pool.ts';

const P = WDF_IO_TARGET_OPEN_PARAMS.off;
const US = UNICODE_STRING.off;
const OA = OBJECT_ATTRIBUTES.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
/** OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE: the framework's handle is a kernel handle. */
const OPEN_ATTRIBUTES = 0x40 | 0x200;
const KERNEL_MODE = 0;

/** How a target was last opened (WdfIoTargetOpenReopen opens it so again). */
interface OpenedWith {
  readonly type: number;
  readonly device: number;
  readonly file: number;
  readonly name: string;
  readonly access: number;
  readonly share: number;
  readonly attributes: number;
  readonly disposition: number;
  readonly options: number;
}

export class FxIoTargetRemote extends FxIoTarget {
  /** The open's file object (referenced) and kernel handle (by name), the target-device notification. */
  file = 0;
  handle_ = 0;
  notification = 0;
  queryRemove = 0;
  removeCanceled = 0;
  removeComplete = 0;
  openedWith: OpenedWith | undefined;

  constructor(fx: Framework, device: FxDevice, attributes: FxAttributes, parent: FxObject) {
    super(fx, device, 0, attributes, parent);
    this.targetState = WDF_IO_TARGET_STATE.Closed;
  }

  override get driverMayDelete(): boolean {
    return true;
  }

  override get fileObject(): number {
    return this.file;
  }

  /** Deleting the target closes it (what it held cancelled, waited for, its handle closed). */
  protected override dispose(): void {
    closeTarget(this.fx, this.globals, this, WDF_IO_TARGET_STATE.Deleted);
  }
}

/** Close: what it holds and sent cancelled and waited for, the notification and the handle gone. */
export function closeTarget(fx: Framework, g: FxDriverGlobals, t: FxIoTargetRemote, state: number): void {
  const k = fx.k;
  fx.frame('FxIoTargetRemote::Close', () => {
    cancelAll(fx, t, true);
    if (t.sent.size > 0) waitForSent(fx, g, t);
    // Closing for a query-remove keeps the notification: the cancel or the completion of the removal still comes.
    if (t.notification && state !== WDF_IO_TARGET_STATE.ClosedForQueryRemove) {
      k.ddi.IoUnregisterPlugPlayNotification(t.notification);
      t.notification = 0;
    }
    if (t.file) k.ddi.ObDereferenceObject(t.file);
    if (t.handle_) k.ddi.ZwClose(t.handle_);
    if (t.targetDevice && t.openedWith?.type === WDF_IO_TARGET_OPEN_TYPE.UseExistingDevice) k.ddi.ObDereferenceObject(t.targetDevice);
    const was = t.targetState;
    t.file = 0;
    t.handle_ = 0;
    t.targetDevice = 0;
    t.targetState = state as typeof t.targetState;
    if (was !== state) g.record('FxIoTargetRemote::Close', `WDFIOTARGET ${hex(t.handle)} closed (state ${was} -> ${state})`);
  });
}

/** The PDO of a target's stack: the bottom of it (IoGetDeviceAttachmentBaseRef without the reference); 0 when it is not open. */
function physicalDevice(t: FxIoTarget): number {
  if (t.targetDevice === 0) return 0;
  let d = t.targetDevice;
  for (let below = lowerDevice(t.fx.k, d); below; below = lowerDevice(t.fx.k, d)) d = below;
  return d;
}

export function ioTargetRemoteExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const targetOf = (g: FxDriverGlobals, handle: number) => fx.object<FxIoTarget>(g, handle, FX_TYPE.IoTarget);
  const remoteOf = (g: FxDriverGlobals, handle: number): FxIoTargetRemote | undefined => {
    const t = targetOf(g, handle);
    return t instanceof FxIoTargetRemote ? t : undefined;
  };
  /**
   * The actions that wait for sent requests are PASSIVE_LEVEL's (the DDI reference): above it, the
   * framework's wrong-IRQL report (in-flight recorder, verifier break) and no wait.
   */
  const waitAllowed = (g: FxDriverGlobals, ddi: string): boolean => {
    if (k.irql === PASSIVE_LEVEL) return true;
    verifierBreak(fx, g, ddi, `Called at wrong IRQL; at level ${k.irql}, should be at level ${PASSIVE_LEVEL}`);
    return false;
  };
  /** Targets by the context their notification callback gets. */
  const byContext = new Map<number, FxIoTargetRemote>();

  /** The framework's EventCategoryTargetDeviceChange callback: the driver's remove callbacks, or the framework's defaults. */
  const notify = () =>
    fxRoutine(fx, 'FxIoTargetRemote::_PlugPlayNotification', (notification, context) => {
      const t = byContext.get(context);
      if (!t) return STATUS.SUCCESS;
      const g = t.globals;
      const event = readGuid(k, notification + TARGET_DEVICE_REMOVAL_NOTIFICATION.off.Event);
      if (event === GUID_TARGET_DEVICE_QUERY_REMOVE) {
        g.record('FxIoTargetRemote::_PlugPlayNotification', `WDFIOTARGET ${hex(t.handle)}: query remove`);
        if (t.queryRemove) return (fx.invoke(t.queryRemove, [t.handle], []) as number) >>> 0;
        closeTarget(fx, g, t, WDF_IO_TARGET_STATE.ClosedForQueryRemove);
        return STATUS.SUCCESS;
      }
      if (event === GUID_TARGET_DEVICE_REMOVE_CANCELLED) {
        g.record('FxIoTargetRemote::_PlugPlayNotification', `WDFIOTARGET ${hex(t.handle)}: remove canceled`);
        if (t.removeCanceled) fx.invoke(t.removeCanceled, [t.handle], []);
        else if (t.targetState === WDF_IO_TARGET_STATE.ClosedForQueryRemove) open(g, t, t.openedWith!);
        return STATUS.SUCCESS;
      }
      if (event === GUID_TARGET_DEVICE_REMOVE_COMPLETE) {
        g.record('FxIoTargetRemote::_PlugPlayNotification', `WDFIOTARGET ${hex(t.handle)}: remove complete`);
        if (t.removeComplete) fx.invoke(t.removeComplete, [t.handle], []);
        // The device is gone: whatever the driver did, the target is.
        if (byContext.get(context) === t) {
          closeTarget(fx, g, t, WDF_IO_TARGET_STATE.Deleted);
          byContext.delete(context);
        }
      }
      return STATUS.SUCCESS;
    });

  /** Open by name: ZwCreateFile, the file object, the top of its device's stack; a status. */
  const openByName = (g: FxDriverGlobals, t: FxIoTargetRemote, w: OpenedWith): number => {
    const scratch = fx.allocate(4 + IO_STATUS_BLOCK.size + OBJECT_ATTRIBUTES.size, g.tag);
    const handleOut = scratch;
    const iosb = scratch + 4;
    const oa = iosb + IO_STATUS_BLOCK.size;
    const name = fx.unicodeString(w.name, g.tag);
    try {
      as.zero(scratch, 4 + IO_STATUS_BLOCK.size + OBJECT_ATTRIBUTES.size);
      as.setU32(oa + OA.Length, OBJECT_ATTRIBUTES.size);
      as.setU32(oa + OA.ObjectName, name);
      as.setU32(oa + OA.Attributes, OPEN_ATTRIBUTES);
      const status = k.ddi.ZwCreateFile(handleOut, w.access, oa, iosb, 0, w.attributes, w.share, w.disposition, w.options, 0, 0) >>> 0;
      if (!NT_SUCCESS(status)) return status;
      const handle = as.u32(handleOut);
      const r = k.ddi.ObReferenceObjectByHandle(handle, w.access, 0, KERNEL_MODE, handleOut, 0) >>> 0;
      if (!NT_SUCCESS(r)) {
        k.ddi.ZwClose(handle);
        return r;
      }
      t.handle_ = handle;
      t.file = as.u32(handleOut);
      t.targetDevice = k.ddi.IoGetAttachedDevice(as.u32(t.file + FILE_OBJECT.off.DeviceObject)) >>> 0;
      if (!t.notification) {
        // The removal notifications of the device the file is open on (a device that answers no TargetDeviceRelation has none).
        const driverObject = as.u32(t.device.deviceObject + DEVICE_OBJECT.off.DriverObject);
        const n = k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, t.file, driverObject, notify(), t.handle, handleOut) >>> 0;
        if (NT_SUCCESS(n)) {
          t.notification = as.u32(handleOut);
          byContext.set(t.handle, t);
        } else {
          g.record('FxIoTargetRemote::Open', `WDFIOTARGET ${hex(t.handle)}: no removal notifications for ${w.name} (${statusName(n)})`);
        }
      }
      return STATUS.SUCCESS;
    } finally {
      fx.free(name, g.tag);
      fx.free(scratch, g.tag);
    }
  };

  const open = (g: FxDriverGlobals, t: FxIoTargetRemote, w: OpenedWith): number =>
    fx.frame('FxIoTargetRemote::Open', () => {
      let status: number = STATUS.SUCCESS;
      if (w.type === WDF_IO_TARGET_OPEN_TYPE.UseExistingDevice) {
        k.ddi.ObReferenceObject(w.device);
        t.targetDevice = w.device;
        t.file = w.file;
        if (t.file) k.ddi.ObReferenceObject(t.file);
      } else {
        status = openByName(g, t, w);
      }
      if (!NT_SUCCESS(status)) {
        g.record('FxIoTargetRemote::Open', `WDFIOTARGET ${hex(t.handle)}: open of ${w.name || hex(w.device)} failed, ${statusName(status)}`);
        return status;
      }
      t.openedWith = w;
      t.targetState = WDF_IO_TARGET_STATE.Started;
      g.record('FxIoTargetRemote::Open', `WDFIOTARGET ${hex(t.handle)} opened on !devobj ${hex(t.targetDevice)}${w.name ? ` (${w.name})` : ''}`);
      return STATUS.SUCCESS;
    });

  return {
    WdfIoTargetCreate(g, Device: number, IoTargetAttributes: number, IoTarget: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, IoTarget);
      as.setU32(IoTarget, 0);
      const attributes = readAttributes(fx, IoTargetAttributes);
      if (typeof attributes === 'number') return attributes;
      const parent = attributes.parent ? fx.object<FxObject>(g, attributes.parent) : device;
      const t = fx.frame('FxIoTargetRemote::Open', () => new FxIoTargetRemote(fx, device, attributes, parent));
      as.setU32(IoTarget, t.handle);
      return STATUS.SUCCESS;
    },

    WdfIoTargetOpen(g, IoTarget: number, OpenParams: number) {
      const t = remoteOf(g, IoTarget);
      fx.require(g, OpenParams);
      if (!t) return STATUS.INVALID_DEVICE_REQUEST; // a local target is the framework's to open
      if (as.u32(OpenParams + P.Size) !== WDF_IO_TARGET_OPEN_PARAMS.size) return STATUS.INFO_LENGTH_MISMATCH;
      const type = as.u32(OpenParams + P.Type);
      if (type === WDF_IO_TARGET_OPEN_TYPE.Reopen) {
        if (!t.openedWith || (t.targetState !== WDF_IO_TARGET_STATE.ClosedForQueryRemove && t.targetState !== WDF_IO_TARGET_STATE.Closed)) return STATUS.INVALID_DEVICE_STATE;
        return open(g, t, t.openedWith);
      }
      if (t.targetState === WDF_IO_TARGET_STATE.Started || t.targetState === WDF_IO_TARGET_STATE.Stopped) return STATUS.INVALID_DEVICE_STATE;
      t.queryRemove = as.u32(OpenParams + P.EvtIoTargetQueryRemove);
      t.removeCanceled = as.u32(OpenParams + P.EvtIoTargetRemoveCanceled);
      t.removeComplete = as.u32(OpenParams + P.EvtIoTargetRemoveComplete);
      const base = { device: 0, file: 0, name: '', access: 0, share: 0, attributes: 0, disposition: 0, options: 0 };
      if (type === WDF_IO_TARGET_OPEN_TYPE.UseExistingDevice) {
        const device = as.u32(OpenParams + P.TargetDeviceObject);
        if (device === 0) return STATUS.INVALID_PARAMETER;
        return open(g, t, { ...base, type, device, file: as.u32(OpenParams + P.TargetFileObject) });
      }
      if (type === WDF_IO_TARGET_OPEN_TYPE.ByName) {
        if (as.u16(OpenParams + P['TargetDeviceName'] + US.Length) === 0) return STATUS.INVALID_PARAMETER;
        return open(g, t, {
          ...base,
          type,
          name: fx.readUnicodeString(OpenParams + P.TargetDeviceName),
          access: as.u32(OpenParams + P.DesiredAccess),
          share: as.u32(OpenParams + P.ShareAccess),
          attributes: as.u32(OpenParams + P.FileAttributes),
          disposition: as.u32(OpenParams + P.CreateDisposition),
          options: as.u32(OpenParams + P.CreateOptions),
        });
      }
      return STATUS.INVALID_PARAMETER; // LocalTargetByFile is UMDF's
    },

    WdfIoTargetCloseForQueryRemove(g, IoTarget: number) {
      const t = remoteOf(g, IoTarget);
      if (t) closeTarget(fx, g, t, WDF_IO_TARGET_STATE.ClosedForQueryRemove);
    },

    WdfIoTargetClose(g, IoTarget: number) {
      const t = remoteOf(g, IoTarget);
      if (!t) return;
      closeTarget(fx, g, t, WDF_IO_TARGET_STATE.Closed);
      byContext.delete(t.handle);
    },

    WdfIoTargetStart(g, IoTarget: number) {
      const t = targetOf(g, IoTarget);
      if (t.targetState !== WDF_IO_TARGET_STATE.Stopped && t.targetState !== WDF_IO_TARGET_STATE.Purged && t.targetState !== WDF_IO_TARGET_STATE.Started) return STATUS.INVALID_DEVICE_STATE;
      t.targetState = WDF_IO_TARGET_STATE.Started;
      g.record('FxIoTarget::Start', `WDFIOTARGET ${hex(t.handle)} started, ${t.pended.length} pended request(s) go down`);
      sendPended(fx, t);
      return STATUS.SUCCESS;
    },

    WdfIoTargetStop(g, IoTarget: number, Action: number) {
      const t = targetOf(g, IoTarget);
      if (t.targetState !== WDF_IO_TARGET_STATE.Started && t.targetState !== WDF_IO_TARGET_STATE.Stopped) return;
      t.targetState = WDF_IO_TARGET_STATE.Stopped;
      g.record('FxIoTarget::Stop', `WDFIOTARGET ${hex(t.handle)} stopped (action ${Action})`);
      // Stopping holds new requests; what was sent is cancelled, waited for or left, as the driver says (the waits at PASSIVE_LEVEL only).
      if (Action === WDF_IO_TARGET_SENT_IO_ACTION.LeaveSentIoPending || !waitAllowed(g, 'WdfIoTargetStop')) return;
      if (Action === WDF_IO_TARGET_SENT_IO_ACTION.CancelSentIo) for (const r of [...t.sent]) fx.k.ddi.IoCancelIrp(r.irp);
      if (t.sent.size > 0) waitForSent(fx, g, t);
    },

    WdfIoTargetPurge(g, IoTarget: number, Action: number) {
      const t = targetOf(g, IoTarget);
      if (t.targetState !== WDF_IO_TARGET_STATE.Started && t.targetState !== WDF_IO_TARGET_STATE.Stopped && t.targetState !== WDF_IO_TARGET_STATE.Purged) return;
      t.targetState = WDF_IO_TARGET_STATE.Purged;
      g.record('FxIoTarget::Purge', `WDFIOTARGET ${hex(t.handle)} purged (action ${Action})`);
      cancelAll(fx, t, true);
      if (Action === WDF_IO_TARGET_PURGE_IO_ACTION.PurgeIoAndWait && waitAllowed(g, 'WdfIoTargetPurge') && t.sent.size > 0) waitForSent(fx, g, t);
    },

    WdfIoTargetGetState(g, IoTarget: number) {
      return targetOf(g, IoTarget).targetState;
    },

    WdfIoTargetWdmGetTargetFileObject(g, IoTarget: number) {
      return targetOf(g, IoTarget).fileObject;
    },

    WdfIoTargetWdmGetTargetFileHandle(g, IoTarget: number) {
      return remoteOf(g, IoTarget)?.handle_ ?? 0;
    },

    WdfIoTargetWdmGetTargetPhysicalDevice(g, IoTarget: number) {
      return physicalDevice(targetOf(g, IoTarget));
    },

    /** IoGetDeviceProperty of the target's PDO (PASSIVE_LEVEL); a target not open has none: STATUS_INVALID_DEVICE_STATE. */
    WdfIoTargetQueryTargetProperty(g, IoTarget: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number) {
      const pdo = physicalDevice(targetOf(g, IoTarget));
      fx.require(g, ResultLength);
      if (pdo === 0) return STATUS.INVALID_DEVICE_STATE;
      return k.ddi.IoGetDeviceProperty(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength) >>> 0;
    },

    /** The property in a WDFMEMORY of PoolType the framework sizes (its parent the target unless the attributes name one). */
    WdfIoTargetAllocAndQueryTargetProperty(g, IoTarget: number, DeviceProperty: number, PoolType: number, PropertyMemoryAttributes: number, PropertyMemory: number) {
      const t = targetOf(g, IoTarget);
      fx.require(g, PropertyMemory);
      as.setU32(PropertyMemory, 0);
      const attributes = readAttributes(fx, PropertyMemoryAttributes);
      if (typeof attributes === 'number') return attributes;
      const pdo = physicalDevice(t);
      if (pdo === 0) return STATUS.INVALID_DEVICE_STATE;
      const sizeCell = fx.allocate(4, g.tag);
      try {
        as.setU32(sizeCell, 0);
        const probe = k.ddi.IoGetDeviceProperty(pdo, DeviceProperty, 0, 0, sizeCell) >>> 0;
        if (probe !== STATUS.BUFFER_TOO_SMALL) return NT_SUCCESS(probe) ? STATUS.UNSUCCESSFUL : probe;
        const size = as.u32(sizeCell);
        const buffer = k.ddi.ExAllocatePoolWithTag(PoolType === POOL_TYPE.NonPagedPool ? POOL_TYPE.NonPagedPoolNx : PoolType, size, g.tag) >>> 0;
        if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
        const status = k.ddi.IoGetDeviceProperty(pdo, DeviceProperty, size, buffer, sizeCell) >>> 0;
        if (!NT_SUCCESS(status)) {
          k.ddi.ExFreePoolWithTag(buffer, g.tag);
          return status;
        }
        const parent = attributes.parent ? fx.object<FxObject>(g, attributes.parent) : t;
        const m = new FxMemory(fx, g, attributes, parent, buffer, size, g.tag);
        as.setU32(PropertyMemory, m.handle);
        return STATUS.SUCCESS;
      } finally {
        fx.free(sizeCell, g.tag);
      }
    },
  };
}
