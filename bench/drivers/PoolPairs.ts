/**
 * Benchmark driver: IOCTL_POOL_PAIRS takes a ULONG count N (buffered) and makes N
 * ExAllocatePoolWithTag(NonPagedPoolNx, 64) + ExFreePoolWithTag pairs.
 */
import {
  CTL_CODE,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IRP,
  IRP_MJ,
  METHOD_BUFFERED,
  POOL_TYPE,
  STATUS,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../ddk/ts/wdm.ts';

export const IOCTL_POOL_PAIRS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Bnch');
let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const us = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 12, TAG);
  ddi.RtlInitUnicodeString(us, ddi.wstr('\\Device\\PoolPairs'));
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

function Dispatch(_DeviceObject: number, Irp: number): number {
  const buffer = ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  const n = buffer === 0 ? 0 : ddi.mem.u32(buffer);
  for (let i = 0; i < n; i++) {
    const p = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 64, TAG);
    ddi.ExFreePoolWithTag(p, TAG);
  }
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}
