/**
 * Benchmark driver for IRP throughput: IOCTL_ECHO (METHOD_BUFFERED) takes 64 bytes in and gives
 * 64 bytes out (each input word inverted, in the system buffer), Information = 64. Create and close
 * succeed. No pool of its own: what a request costs is the I/O path, with or without the verifier.
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
} from '../../ddk/ts/wdm.ts';

export const IOCTL_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS);
const ECHO_BYTES = 64;
const TAG = poolTag('Echo');
const S = IO_STACK_LOCATION.off;
let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const us = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 12, TAG);
  ddi.RtlInitUnicodeString(us, ddi.wstr('\\Device\\Echo'));
  const status = ddi.IoCreateDevice(DriverObject, 0, us, FILE_DEVICE_UNKNOWN, 0, 0, us + 8);
  ddi.ExFreePoolWithTag(us, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (let mj = 0; mj <= IRP_MJ.PNP; mj++) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(Unload));
  return STATUS.SUCCESS;
}

function Unload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  if (mem.u8(sp + S.MajorFunction) !== IRP_MJ.DEVICE_CONTROL) return Complete(Irp, STATUS.SUCCESS, 0);
  if (mem.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_ECHO) return Complete(Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
  const inLength = mem.u32(sp + S['Parameters.DeviceIoControl.InputBufferLength']);
  const outLength = mem.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']);
  if (inLength < ECHO_BYTES || outLength < ECHO_BYTES) return Complete(Irp, STATUS.BUFFER_TOO_SMALL, 0);
  const buffer = mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  for (let o = 0; o < ECHO_BYTES; o += 4) mem.setU32(buffer + o, ~mem.u32(buffer + o) >>> 0);
  return Complete(Irp, STATUS.SUCCESS, ECHO_BYTES);
}
