/**
 * PnpInterface: a WDM function driver that names its device by a device interface, as most PnP
 * drivers do, instead of by a device name. AddDevice attaches an unnamed FDO and registers an
 * interface of GUID_DEVINTERFACE_PNPINTERFACE for the PDO; START (on the way back up) enables it;
 * SURPRISE_REMOVAL and REMOVE_DEVICE disable it; power IRPs go down. It serves one IOCTL (an echo, METHOD_BUFFERED).
 * `dv run --open-interface {5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}` reaches it.
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
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  METHOD_BUFFERED,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  UNICODE_STRING,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_PNPINTERFACE_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** {5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}: the interface class, as Data1, Data2, Data3, Data4. */
export const GUID_DEVINTERFACE_PNPINTERFACE = [0x5c3c4c7a, 0x0e2b, 0x4f51, [0x9a, 0x43, 0x2d, 0x6e, 0x3f, 0x0b, 0x7a, 0x11]] as const;

const TAG = poolTag('PnpI');

/** Device extension: the device below, and the interface's symbolic link name (a UNICODE_STRING). */
const EXT_LOWER = 0;
const EXT_LINK = 4;
const EXT_SIZE = EXT_LINK + UNICODE_STRING.size;

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
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4 + 16, TAG);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  let status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  if (!NT_SUCCESS(status)) {
    ddi.ExFreePoolWithTag(out, TAG);
    return status;
  }
  const ext = mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  const guid = out + 4;
  const [d1, d2, d3, d4] = GUID_DEVINTERFACE_PNPINTERFACE;
  mem.setU32(guid, d1);
  mem.setU16(guid + 4, d2);
  mem.setU16(guid + 6, d3);
  d4.forEach((b, i) => mem.setU8(guid + 8 + i, b));
  status = ddi.IoRegisterDeviceInterface(PhysicalDeviceObject, guid, 0, ext + EXT_LINK);
  ddi.ExFreePoolWithTag(out, TAG);
  if (!NT_SUCCESS(status)) {
    ddi.IoDeleteDevice(fdo);
    return status;
  }
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.RtlFreeUnicodeString(ext + EXT_LINK);
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT_LOWER, lower);
  const flags = mem.u32(fdo + DEVICE_OBJECT.off.Flags);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (flags | DO.BUFFERED_IO) & ~DO.DEVICE_INITIALIZING);
  return STATUS.SUCCESS;
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function PassDown(ext: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(ddi.mem.u32(ext + EXT_LOWER), Irp);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const link = ext + EXT_LINK;
  switch (mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE: {
      ddi.IoForwardIrpSynchronously(mem.u32(ext + EXT_LOWER), Irp);
      const status = mem.u32(Irp + IRP.off['IoStatus.Status']);
      // Started: the interface may be opened now (the arrival is announced once START completes).
      if (NT_SUCCESS(status)) ddi.IoSetDeviceInterfaceState(link, 1);
      return Complete(Irp, status, 0);
    }
    case IRP_MN_PNP.SURPRISE_REMOVAL:
      ddi.IoSetDeviceInterfaceState(link, 0);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      return PassDown(ext, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE: {
      // After a surprise removal the interface is already disabled (OBJECT_NAME_NOT_FOUND: fine).
      ddi.IoSetDeviceInterfaceState(link, 0);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      const result = PassDown(ext, Irp);
      ddi.RtlFreeUnicodeString(link);
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
      return PassDown(ext, Irp);
    default:
      return PassDown(ext, Irp);
  }
}

/** It owns no power policy: every power IRP goes down to the bus (a sleep/wake cycle passes through). */
function DispatchPower(DeviceObject: number, Irp: number): number {
  return PassDown(ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension), Irp);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  return Complete(Irp, STATUS.SUCCESS, 0);
}

function DispatchDeviceControl(_DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const P = IO_STACK_LOCATION.off;
  if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_PNPINTERFACE_ECHO) return Complete(Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
  const length = Math.min(mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']), mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']));
  return Complete(Irp, STATUS.SUCCESS, length);
}
