/**
 * PnpMonitor: a PnP monitor, as toastmon is for toasters (the TypeScript side of PnpMonitor.c): a
 * driver with no device in any stack that watches the PnpInterface sample's interface class.
 *
 * - DriverEntry creates an unnamed control device (its extension keeps the state, laid out as the C
 *   sample's) and registers for interface arrival and removal, INCLUDE_EXISTING_INTERFACES.
 * - On an arrival it opens the device by its link (IoGetDeviceObjectPointer), registers for target
 *   device changes on the file object, and sends the device an echo IOCTL (a request it serves).
 * - The target callback closes the file on GUID_TARGET_DEVICE_QUERY_REMOVE (an open handle would veto
 *   the removal), opens it again on REMOVE_CANCELLED, and on REMOVE_COMPLETE (after REMOVE_DEVICE, or
 *   after a surprise removal) closes what is left, unregisters and frees the target.
 * - DriverUnload unregisters the interface notification first (no callback may run into an unloaded
 *   image), then lets go of every target still open. PnpMonitorStaysRegistered.ts is the twin that forgets.
 * DbgPrint says what happened, for a test to read.
 */
import {
  CTL_CODE,
  DEVICE_INTERFACE_CHANGE_NOTIFICATION,
  DEVICE_OBJECT,
  DRIVER_OBJECT,
  EVENT_CATEGORY,
  FAST_MUTEX,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  GUID_DEVICE_INTERFACE_ARRIVAL,
  GUID_DEVICE_INTERFACE_REMOVAL,
  GUID_TARGET_DEVICE_QUERY_REMOVE,
  GUID_TARGET_DEVICE_REMOVE_CANCELLED,
  GUID_TARGET_DEVICE_REMOVE_COMPLETE,
  IO_STACK_LOCATION,
  IO_STATUS_BLOCK,
  METHOD_BUFFERED,
  NT_SUCCESS,
  PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
  POOL_TYPE,
  STATUS,
  TARGET_DEVICE_REMOVAL_NOTIFICATION,
  UNICODE_STRING,
  InitializeListHead,
  InsertTailList,
  IoGetNextIrpStackLocation,
  IsListEmpty,
  RemoveHeadList,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const IOCTL_PNPINTERFACE_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** The class watched, {5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}, as GUID bytes. */
const GUID_DEVINTERFACE_PNPINTERFACE = [0x7a, 0x4c, 0x3c, 0x5c, 0x2b, 0x0e, 0x51, 0x4f, 0x9a, 0x43, 0x2d, 0x6e, 0x3f, 0x0b, 0x7a, 0x11];
const TAG = poolTag('PnpM');
const FILE_READ_DATA = 1;

/** MONITOR_EXTENSION: the driver, the interface notification, a FAST_MUTEX over the target list, the counts. */
const EXT = { DRIVER: 0, INTERFACE_ENTRY: 4, LOCK: 8, TARGETS: 8 + FAST_MUTEX.size } as const;
const COUNT = { ARRIVALS: 0, REMOVALS: 1, OPENS: 2, ECHOES: 3, QUERY_REMOVES: 4, CANCELS: 5, REMOVE_COMPLETES: 6 } as const;
const EXT_COUNTS = EXT.TARGETS + 8;
const EXT_SIZE = EXT_COUNTS + 4 * 7;
/** TARGET: list link, the monitor's extension, the link name (its buffer follows), file, device, notification. */
const T = { LINK: 0, MONITOR: 8, NAME: 12, FILE: 12 + UNICODE_STRING.size, DEVICE: 16 + UNICODE_STRING.size, ENTRY: 20 + UNICODE_STRING.size } as const;
const TARGET_SIZE = T.ENTRY + 4;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(MonitorUnload));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4 + 16, TAG);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  let status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = mem.u32(out);
  if (NT_SUCCESS(status)) {
    const ext = mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
    mem.fill(ext, EXT_SIZE, 0);
    mem.setU32(ext + EXT.DRIVER, DriverObject);
    ddi.ExInitializeFastMutex(ext + EXT.LOCK);
    InitializeListHead(mem, ext + EXT.TARGETS);
    GUID_DEVINTERFACE_PNPINTERFACE.forEach((b, i) => mem.setU8(out + 4 + i, b));
    status = ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.DeviceInterfaceChange, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
      out + 4, DriverObject, ddi.addressOf(MonitorInterfaceChange), ext, ext + EXT.INTERFACE_ENTRY);
    if (!NT_SUCCESS(status)) ddi.IoDeleteDevice(device);
  }
  ddi.ExFreePoolWithTag(out, TAG);
  return status;
}

const bump = (ext: number, which: number) => ddi.mem.setU32(ext + EXT_COUNTS + 4 * which, ddi.mem.u32(ext + EXT_COUNTS + 4 * which) + 1);

/** A notification's Event GUID, in the registry form the DDK names them by. */
function eventOf(at: number): string {
  const mem = ddi.mem;
  const h = (v: number, n: number) => v.toString(16).toUpperCase().padStart(n, '0');
  const bytes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => h(mem.u8(at + from + i), 2)).join('');
  return `{${h(mem.u32(at), 8)}-${h(mem.u16(at + 4), 4)}-${h(mem.u16(at + 6), 4)}-${bytes(8, 10)}-${bytes(10, 16)}}`;
}

function OpenTarget(t: number): number {
  const mem = ddi.mem;
  const status = ddi.IoGetDeviceObjectPointer(t + T.NAME, FILE_READ_DATA, t + T.FILE, t + T.DEVICE);
  if (!NT_SUCCESS(status)) mem.setU32(t + T.FILE, 0);
  else bump(mem.u32(t + T.MONITOR), COUNT.OPENS);
  return status;
}

function CloseTarget(t: number): void {
  const file = ddi.mem.u32(t + T.FILE);
  if (file === 0) return;
  ddi.ObfDereferenceObject(file);
  ddi.mem.setU32(t + T.FILE, 0);
}

/** Ask the device to echo four bytes back: the monitor uses the device it found. */
function Echo(t: number): void {
  const mem = ddi.mem;
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8 + IO_STATUS_BLOCK.size + 32, TAG);
  if (block === 0) return;
  const [input, output, iosb, event] = [block, block + 4, block + 8, block + 8 + IO_STATUS_BLOCK.size];
  mem.setU32(input, TAG); // 'PnpM'
  mem.setU32(output, 0);
  ddi.KeInitializeEvent(event, 0, 0);
  const device = mem.u32(t + T.DEVICE);
  const irp = ddi.IoBuildDeviceIoControlRequest(IOCTL_PNPINTERFACE_ECHO, device, input, 4, output, 4, 0, event, iosb);
  if (irp !== 0) {
    mem.setU32(IoGetNextIrpStackLocation(mem, irp) + IO_STACK_LOCATION.off.FileObject, mem.u32(t + T.FILE));
    let status = ddi.IofCallDriver(device, irp);
    if (status === STATUS.PENDING) {
      ddi.KeWaitForSingleObject(event, 0, 0, 0, 0);
      status = mem.u32(iosb + IO_STATUS_BLOCK.off.Status);
    }
    if (NT_SUCCESS(status) && mem.u32(iosb + IO_STATUS_BLOCK.off.Information) === 4 && mem.u32(output) === mem.u32(input)) bump(mem.u32(t + T.MONITOR), COUNT.ECHOES);
    ddi.DbgPrint(ddi.str('PnpMonitor: echo 0x%x\n'), status);
  }
  ddi.ExFreePoolWithTag(block, TAG);
}

function FindTarget(ext: number, name: number): number {
  const mem = ddi.mem;
  for (let e = mem.u32(ext + EXT.TARGETS); e !== ext + EXT.TARGETS; e = mem.u32(e)) {
    if (ddi.RtlEqualUnicodeString(e + T.NAME, name, 1)) return e;
  }
  return 0;
}

function Arrived(ext: number, name: number): void {
  const mem = ddi.mem;
  ddi.ExAcquireFastMutex(ext + EXT.LOCK);
  const known = FindTarget(ext, name);
  ddi.ExReleaseFastMutex(ext + EXT.LOCK);
  if (known !== 0) return;
  const length = mem.u16(name + UNICODE_STRING.off.Length);
  const t = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, TARGET_SIZE + length, TAG);
  if (t === 0) return;
  mem.fill(t, TARGET_SIZE, 0);
  mem.setU32(t + T.MONITOR, ext);
  mem.setU16(t + T.NAME + UNICODE_STRING.off.MaximumLength, length);
  mem.setU32(t + T.NAME + UNICODE_STRING.off.Buffer, t + TARGET_SIZE);
  ddi.RtlCopyUnicodeString(t + T.NAME, name);
  let status = OpenTarget(t);
  if (NT_SUCCESS(status)) {
    status = ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.TargetDeviceChange, 0, mem.u32(t + T.FILE), mem.u32(ext + EXT.DRIVER),
      ddi.addressOf(MonitorTargetChange), t, t + T.ENTRY);
    if (!NT_SUCCESS(status)) CloseTarget(t);
  }
  ddi.DbgPrint(ddi.str('PnpMonitor: arrival, open 0x%x\n'), status);
  if (!NT_SUCCESS(status)) {
    ddi.ExFreePoolWithTag(t, TAG);
    return;
  }
  ddi.ExAcquireFastMutex(ext + EXT.LOCK);
  InsertTailList(mem, ext + EXT.TARGETS, t + T.LINK);
  ddi.ExReleaseFastMutex(ext + EXT.LOCK);
  Echo(t);
}

function MonitorInterfaceChange(Notification: number, Context: number): number {
  const event = eventOf(Notification + DEVICE_INTERFACE_CHANGE_NOTIFICATION.off.Event);
  if (event === GUID_DEVICE_INTERFACE_ARRIVAL) {
    bump(Context, COUNT.ARRIVALS);
    Arrived(Context, ddi.mem.u32(Notification + DEVICE_INTERFACE_CHANGE_NOTIFICATION.off.SymbolicLinkName));
  } else if (event === GUID_DEVICE_INTERFACE_REMOVAL) {
    // The target's own notification (REMOVE_COMPLETE) lets go of it.
    bump(Context, COUNT.REMOVALS);
    ddi.DbgPrint(ddi.str('PnpMonitor: removal\n'));
  }
  return STATUS.SUCCESS;
}

/** Unlink a target from the monitor's list. */
function Unlink(t: number): void {
  const mem = ddi.mem;
  const flink = mem.u32(t + T.LINK);
  const blink = mem.u32(t + T.LINK + 4);
  mem.setU32(blink, flink);
  mem.setU32(flink + 4, blink);
}

function MonitorTargetChange(Notification: number, Context: number): number {
  const t = Context;
  const ext = ddi.mem.u32(t + T.MONITOR);
  const event = eventOf(Notification + TARGET_DEVICE_REMOVAL_NOTIFICATION.off.Event);
  if (event === GUID_TARGET_DEVICE_QUERY_REMOVE) {
    // Our open handle would veto the removal: close it, keep the registration for the outcome.
    bump(ext, COUNT.QUERY_REMOVES);
    CloseTarget(t);
    ddi.DbgPrint(ddi.str('PnpMonitor: query remove, closed\n'));
  } else if (event === GUID_TARGET_DEVICE_REMOVE_CANCELLED) {
    bump(ext, COUNT.CANCELS);
    ddi.DbgPrint(ddi.str('PnpMonitor: remove cancelled, open 0x%x\n'), ddi.mem.u32(t + T.FILE) === 0 ? OpenTarget(t) : STATUS.SUCCESS);
  } else if (event === GUID_TARGET_DEVICE_REMOVE_COMPLETE) {
    bump(ext, COUNT.REMOVE_COMPLETES);
    ddi.ExAcquireFastMutex(ext + EXT.LOCK);
    Unlink(t);
    ddi.ExReleaseFastMutex(ext + EXT.LOCK);
    CloseTarget(t);
    ddi.IoUnregisterPlugPlayNotificationEx(ddi.mem.u32(t + T.ENTRY));
    ddi.ExFreePoolWithTag(t, TAG);
    ddi.DbgPrint(ddi.str('PnpMonitor: remove complete, let go\n'));
  }
  return STATUS.SUCCESS;
}

/** How DriverUnload ends the interface registration: PnpMonitorStaysRegistered.ts swaps in its omission. */
let unregisterInterface = (ext: number): void => {
  ddi.IoUnregisterPlugPlayNotificationEx(ddi.mem.u32(ext + EXT.INTERFACE_ENTRY));
};
export function unregisterInterfaceWith(how: (ext: number) => void): void {
  unregisterInterface = how;
}

function MonitorUnload(DriverObject: number): void {
  const mem = ddi.mem;
  const device = mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject);
  const ext = mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  unregisterInterface(ext);
  while (!IsListEmpty(mem, ext + EXT.TARGETS)) {
    const t = RemoveHeadList(mem, ext + EXT.TARGETS) - T.LINK;
    ddi.IoUnregisterPlugPlayNotificationEx(mem.u32(t + T.ENTRY));
    CloseTarget(t);
    ddi.ExFreePoolWithTag(t, TAG);
  }
  ddi.DbgPrint(ddi.str('PnpMonitor: unloaded\n'));
  ddi.IoDeleteDevice(device);
}
