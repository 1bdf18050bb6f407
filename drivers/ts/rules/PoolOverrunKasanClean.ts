/**
 * PoolOverrunKasanClean: the same label request; the copy leaves room for the terminator, so a short
 * buffer gets a truncated label that still ends inside it.
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

export const IOCTL_RULE_GET_LABEL = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
const LABEL_LENGTH = 20; // 'Rule sample device 1', without its NUL

let ddi: DriverApi;
let label = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  label = ddi.str('Rule sample device 1');
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PoolOverrunKasanClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function GetLabel(Irp: number, sp: number): [number, number] {
  const P = IO_STACK_LOCATION.off;
  if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_RULE_GET_LABEL) return [STATUS.INVALID_DEVICE_REQUEST, 0];
  const length = ddi.mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']);
  const buffer = ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  if (length === 0) return [STATUS.BUFFER_TOO_SMALL, 0];
  const copied = Math.min(length - 1, LABEL_LENGTH);
  ddi.mem.copy(buffer, label, copied);
  ddi.mem.setU8(buffer + copied, 0);
  return [STATUS.SUCCESS, copied];
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const [status, information] = ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.DEVICE_CONTROL ? GetLabel(Irp, sp) : [STATUS.SUCCESS, 0];
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
