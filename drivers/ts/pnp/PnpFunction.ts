/**
 * PnpFunction: a WDM function driver for a root-enumerated device. DriverEntry creates no device; the
 * PnP manager calls AddDevice with the PDO, and the driver attaches its FDO above it. Every PnP IRP is
 * held under the remove lock and passed down the stack (START is forwarded synchronously and completed
 * on the way back up); REMOVE_DEVICE waits for the requests in flight, detaches and deletes the FDO.
 * It serves one IOCTL (an echo, METHOD_BUFFERED) and fails requests once the device is surprise-removed.
 * DbgPrint names each PnP IRP as it arrives, so a run shows the order the driver saw them in.
 */
import {
  CTL_CODE,
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_REMOVE_LOCK,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  METHOD_BUFFERED,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  pnpMinorName,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_PNPFUNCTION_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);

const TAG = poolTag('PnpF');

/** Device extension: the device below, the remove lock, and whether the hardware is gone. */
const EXT_LOWER = 0;
const EXT_REMOVED = 4;
const EXT_REMOVE_LOCK = 8;
const EXT_SIZE = EXT_REMOVE_LOCK + IO_REMOVE_LOCK.size;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  const ext = mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension);
  mem.setU32(ext + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: (d: number, i: number) => number) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mj(IRP_MJ.DEVICE_CONTROL, DispatchDeviceControl);
  mj(IRP_MJ.PNP, DispatchPnp);
  mj(IRP_MJ.POWER, DispatchPower);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('PnpFunction: DriverEntry\n'));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.DbgPrint(ddi.str('PnpFunction: DriverUnload\n'));
}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PnpFunction'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (out === 0) {
    ddi.ExFreePoolWithTag(name, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (!NT_SUCCESS(status)) return status;
  const ext = mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  ddi.IoInitializeRemoveLockEx(ext + EXT_REMOVE_LOCK, TAG, 0, 0, IO_REMOVE_LOCK.size);
  mem.setU32(ext + EXT_REMOVED, 0);
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT_LOWER, lower);
  const flags = mem.u32(fdo + DEVICE_OBJECT.off.Flags);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (flags | DO.BUFFERED_IO) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpFunction: AddDevice\n'));
  return STATUS.SUCCESS;
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Pass the IRP to the device below with this driver's stack location. */
function PassDown(ext: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(ddi.mem.u32(ext + EXT_LOWER), Irp);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const lock = ext + EXT_REMOVE_LOCK;
  const status = ddi.IoAcquireRemoveLockEx(lock, Irp, 0, 0, IO_REMOVE_LOCK.size);
  if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
  const minor = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction);
  ddi.DbgPrint(ddi.str(`PnpFunction: ${pnpMinorName(minor)}\n`));
  let result: number;
  switch (minor) {
    case IRP_MN_PNP.START_DEVICE: {
      // The bus starts the hardware first; the function driver starts on the way back up.
      ddi.IoForwardIrpSynchronously(mem.u32(ext + EXT_LOWER), Irp);
      result = Complete(Irp, mem.u32(Irp + IRP.off['IoStatus.Status']), 0);
      break;
    }
    case IRP_MN_PNP.SURPRISE_REMOVAL:
      mem.setU32(ext + EXT_REMOVED, 1);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      break;
    case IRP_MN_PNP.REMOVE_DEVICE: {
      mem.setU32(ext + EXT_REMOVED, 1);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      // Wait for the requests in flight, then leave the stack.
      ddi.IoReleaseRemoveLockAndWaitEx(lock, Irp, IO_REMOVE_LOCK.size);
      ddi.IoDetachDevice(mem.u32(ext + EXT_LOWER));
      ddi.IoDeleteDevice(DeviceObject);
      return result;
    }
    case IRP_MN_PNP.QUERY_REMOVE_DEVICE:
    case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
    case IRP_MN_PNP.QUERY_STOP_DEVICE:
    case IRP_MN_PNP.STOP_DEVICE:
    case IRP_MN_PNP.CANCEL_STOP_DEVICE:
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      result = PassDown(ext, Irp);
      break;
    default:
      // Not ours: down the stack untouched.
      result = PassDown(ext, Irp);
  }
  ddi.IoReleaseRemoveLockEx(lock, Irp, IO_REMOVE_LOCK.size);
  return result;
}

function DispatchPower(DeviceObject: number, Irp: number): number {
  const ext = ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  return PassDown(ext, Irp);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  return Complete(Irp, STATUS.SUCCESS, 0);
}

function DispatchDeviceControl(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const lock = ext + EXT_REMOVE_LOCK;
  const acquired = ddi.IoAcquireRemoveLockEx(lock, Irp, 0, 0, IO_REMOVE_LOCK.size);
  if (!NT_SUCCESS(acquired)) return Complete(Irp, acquired, 0);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const P = IO_STACK_LOCATION.off;
  let status: number;
  let information = 0;
  if (mem.u32(ext + EXT_REMOVED) !== 0) {
    status = STATUS.DELETE_PENDING;
  } else if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_PNPFUNCTION_ECHO) {
    status = STATUS.INVALID_DEVICE_REQUEST;
  } else {
    // METHOD_BUFFERED: the input is in the system buffer, and the output goes back there.
    const length = Math.min(mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']), mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']));
    information = length;
    status = STATUS.SUCCESS;
  }
  Complete(Irp, status, information);
  ddi.IoReleaseRemoveLockEx(lock, Irp, IO_REMOVE_LOCK.size);
  return status;
}
