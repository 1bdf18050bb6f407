/**
 * PnpSuccessCompleted: at IRP_MN_REMOVE_DEVICE the function driver detaches and deletes its
 * device and completes the removal itself with STATUS_SUCCESS: the PDO below never gets it.
 * `dv run drivers/ts/rules/PnpSuccessCompleted.ts`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x22E, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = STATUS_SUCCESS.
 * The clean twin is PnpIrpsClean.ts.
 * The frame (AddDevice, create and close, START and REMOVE done right, power passed down) is the one
 * every I/O verification PnP sample has (drivers/c/rules/PnpRule.h in C).
 */
import {
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Device extension: the device below. */
const EXT_LOWER = 0;
const EXT_SIZE = 4;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: (d: number, i: number) => number) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.PNP, DispatchPnp);
  mj(IRP_MJ.POWER, DispatchPower);
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (!NT_SUCCESS(status)) return status;
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER, lower);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, mem.u32(fdo + DEVICE_OBJECT.off.Flags) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpRule: fdo=%p\n'), fdo);
  return STATUS.SUCCESS;
}

/** The device below DeviceObject (its extension's). */
function LowerOf(DeviceObject: number): number {
  return ddi.mem.u32(ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

/** Down the stack with this driver's stack location, untouched. */
function PassDown(DeviceObject: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(LowerOf(DeviceObject), Irp);
}

/** IRP_MN_START_DEVICE: the bus starts the hardware first; the driver completes it on the way back up. */
function StartDevice(DeviceObject: number, Irp: number): number {
  const status = ddi.IoForwardIrpSynchronously(LowerOf(DeviceObject), Irp) ? ddi.mem.u32(Irp + IRP.off['IoStatus.Status']) : STATUS.UNSUCCESSFUL;
  ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], status);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function DispatchPower(DeviceObject: number, Irp: number): number {
  ddi.PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.PoCallDriver(LowerOf(DeviceObject), Irp);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const lower = LowerOf(DeviceObject);
  switch (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE:
      return StartDevice(DeviceObject, Irp);
    case IRP_MN_PNP.REMOVE_DEVICE:
      ddi.DbgPrint(ddi.str('PnpSuccessCompleted: irp=%p\n'), Irp);
      ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the removal never reaches the PDO
      ddi.IoDetachDevice(lower);
      ddi.IoDeleteDevice(DeviceObject);
      return STATUS.SUCCESS;
    default:
      return PassDown(DeviceObject, Irp);
  }
}
