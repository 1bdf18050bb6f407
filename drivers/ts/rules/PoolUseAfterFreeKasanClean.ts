/**
 * PoolUseAfterFreeKasanClean: the same name request; the driver copies the name into pool of its own
 * (freed at unload), so nothing refers to the request's buffer after it completes.
 */
import {
  CTL_CODE,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  METHOD_BUFFERED,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_RULE_SET_NAME = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');

let ddi: DriverApi;
let name = 0;
let nameLength = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const deviceName = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(deviceName, ddi.wstr('\\Device\\PoolUseAfterFreeKasanClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, deviceName, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(deviceName, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function SetName(Irp: number, sp: number): number {
  const P = IO_STACK_LOCATION.off;
  if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_RULE_SET_NAME) return STATUS.INVALID_DEVICE_REQUEST;
  const length = ddi.mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']);
  if (length < 4) return STATUS.INVALID_PARAMETER;
  const copy = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, length, TAG);
  if (copy === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.copy(copy, ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']), length);
  if (name !== 0) ddi.ExFreePoolWithTag(name, TAG);
  name = copy;
  nameLength = length;
  return STATUS.SUCCESS;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const status = ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.DEVICE_CONTROL ? SetName(Irp, sp) : STATUS.SUCCESS;
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function DriverUnload(DriverObject: number): void {
  if (name !== 0) {
    const begins = ddi.mem.u32(name);
    ddi.DbgPrint(ddi.str('PoolUseAfterFreeKasanClean: unloading, name begins %08lx (%lu bytes)\n'), begins, nameLength);
    ddi.ExFreePoolWithTag(name, TAG);
  }
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
