/**
 * PnpFilter: an upper filter for any device stack. AddDevice attaches a filter device above the
 * function driver's, with its buffering and power flags; every IRP goes down untouched
 * (IoSkipCurrentIrpStackLocation), except IRP_MN_START_DEVICE, whose stack location is copied down
 * with a completion routine so the filter sees the start come back up before it returns to the PnP
 * manager. REMOVE_DEVICE is passed down, then the filter detaches and deletes its device.
 * DbgPrint names each PnP IRP on its way down and the START on its way up, so a run shows the order.
 */
import {
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ_COUNT,
  IRP_MJ,
  IRP_MN_PNP,
  STATUS,
  IoCopyCurrentIrpStackLocationToNext,
  IoGetCurrentIrpStackLocation,
  IoMarkIrpPending,
  IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation,
  pnpMinorName,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

/** Device extension: the device below the filter's. */
const EXT_LOWER = 0;
const EXT_SIZE = 8;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  // A filter passes every request it does not understand: all majors go down by default.
  for (let i = 0; i < IRP_MJ_COUNT; i++) mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * i, ddi.addressOf(DispatchPassThrough));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.PNP, ddi.addressOf(DispatchPnp));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('PnpFilter: DriverEntry\n'));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.DbgPrint(ddi.str('PnpFilter: DriverUnload\n'));
}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const out = ddi.ExAllocatePoolWithTag(0, 4, 0x746c6946 /* 'Filt' */);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const filter = mem.u32(out);
  ddi.ExFreePoolWithTag(out, 0x746c6946);
  if (status !== STATUS.SUCCESS) return status;
  const lower = ddi.IoAttachDeviceToDeviceStack(filter, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(filter);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(mem.u32(filter + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER, lower);
  // The I/O manager buffers for the stack as its top device says: take the function driver's choice.
  const inherited = mem.u32(lower + DEVICE_OBJECT.off.Flags) & (DO.BUFFERED_IO | DO.DIRECT_IO | DO.POWER_PAGABLE);
  mem.setU32(filter + DEVICE_OBJECT.off.DeviceType, mem.u32(lower + DEVICE_OBJECT.off.DeviceType));
  mem.setU32(filter + DEVICE_OBJECT.off.Characteristics, mem.u32(lower + DEVICE_OBJECT.off.Characteristics));
  mem.setU32(filter + DEVICE_OBJECT.off.Flags, (mem.u32(filter + DEVICE_OBJECT.off.Flags) | inherited) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpFilter: AddDevice\n'));
  return STATUS.SUCCESS;
}

const lowerOf = (DeviceObject: number) => ddi.mem.u32(ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER);

function DispatchPassThrough(DeviceObject: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(lowerOf(DeviceObject), Irp);
}

/** START on its way back up: the devices below have started. */
function StartCompletion(_DeviceObject: number, Irp: number, _Context: number): number {
  const mem = ddi.mem;
  // The pending bit travels up only if each level propagates it (as wdm.h's rules require).
  if (mem.u8(Irp + IRP.off.PendingReturned)) IoMarkIrpPending(mem, Irp);
  const status = mem.u32(Irp + IRP.off['IoStatus.Status']) >>> 0;
  ddi.DbgPrint(ddi.str(`PnpFilter: IRP_MN_START_DEVICE completed 0x${status.toString(16)}\n`));
  return STATUS.SUCCESS; // STATUS_CONTINUE_COMPLETION
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const lower = lowerOf(DeviceObject);
  const minor = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction);
  ddi.DbgPrint(ddi.str(`PnpFilter: ${pnpMinorName(minor)}\n`));
  switch (minor) {
    case IRP_MN_PNP.START_DEVICE:
      IoCopyCurrentIrpStackLocationToNext(mem, Irp);
      IoSetCompletionRoutine(mem, Irp, ddi.addressOf(StartCompletion), DeviceObject, true, true, true);
      return ddi.IofCallDriver(lower, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE: {
      IoSkipCurrentIrpStackLocation(mem, Irp);
      const status = ddi.IofCallDriver(lower, Irp);
      ddi.IoDetachDevice(lower);
      ddi.IoDeleteDevice(DeviceObject);
      return status;
    }
    case IRP_MN_PNP.DEVICE_USAGE_NOTIFICATION:
      if (mem.u32(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off['Parameters.UsageNotification.Type']) === DEVICE_USAGE_NOTIFICATION_TYPE.DeviceUsageTypePaging) {
        return PagingNotification(DeviceObject, Irp);
      }
      IoSkipCurrentIrpStackLocation(mem, Irp);
      return ddi.IofCallDriver(lower, Irp);
    default:
      IoSkipCurrentIrpStackLocation(mem, Irp);
      return ddi.IofCallDriver(lower, Irp);
  }
}

// ---- paging files (IRP_MN_DEVICE_USAGE_NOTIFICATION) ----------------------------------------------
// Kept below the rest of the sample: the kd goldens pin the addresses of the routines above.

import { DEVICE_USAGE_NOTIFICATION_TYPE, IO_NO_INCREMENT, NT_SUCCESS } from '../../../ddk/ts/wdm.ts';

/** Device extension: the paging files on the device (after EXT_LOWER; IoCreateDevice zeroes it). */
const EXT_PAGING_COUNT = 4;

/**
 * A paging file arrives on the device or leaves it, handled as a storage filter must: a device in the
 * paging path must not be paged out (DO_POWER_PAGABLE clear). The bit is set before the last paging
 * file's IRP goes down (the filter may be paged again once it is gone), and cleared only after the stack
 * succeeded the first one; a failure puts back what was changed. Other special files pass straight down.
 */
function PagingNotification(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const inPath = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off['Parameters.UsageNotification.InPath']) !== 0;
  const count = mem.u32(ext + EXT_PAGING_COUNT);
  const flagsAt = DeviceObject + DEVICE_OBJECT.off.Flags;
  const setFirst = !inPath && count === 1 && (mem.u32(flagsAt) & DO.POWER_PAGABLE) === 0;
  if (setFirst) mem.setU32(flagsAt, mem.u32(flagsAt) | DO.POWER_PAGABLE);
  ddi.IoForwardIrpSynchronously(lowerOf(DeviceObject), Irp);
  const status = mem.u32(Irp + IRP.off['IoStatus.Status']);
  if (NT_SUCCESS(status)) {
    mem.setU32(ext + EXT_PAGING_COUNT, inPath ? count + 1 : count - 1);
    if (inPath && count === 0) mem.setU32(flagsAt, mem.u32(flagsAt) & ~DO.POWER_PAGABLE);
  } else if (setFirst) {
    // The paging file stays: so does the device in the paging path.
    mem.setU32(flagsAt, mem.u32(flagsAt) & ~DO.POWER_PAGABLE);
  }
  ddi.DbgPrint(ddi.str(`PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION completed 0x${status.toString(16)}, paging files ${mem.u32(ext + EXT_PAGING_COUNT)}\n`));
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
