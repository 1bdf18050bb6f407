/**
 * DoubleFree: IOCTL_RULE_SUBMIT copies the request into a working buffer. When the request is too
 * short, the error path frees the buffer, and then the common exit frees it again.
 * `dv run drivers/ts/rules/DoubleFree.ts --ioctl 0x222004:00` sends a 1-byte request.
 *
 * Driver Verifier: 0xC4 / 0x13, Parameter 2 = 0 (reserved), 3 = the pool header (under special
 * pool: the header at the start of the block's page), 4 = the header's first ULONG.
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

export const IOCTL_RULE_SUBMIT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
const REQUEST_HEADER = 4;
const WORK_SIZE = 0x40;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\DoubleFree'));
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

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const status = ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.DEVICE_CONTROL ? Submit(Irp, sp) : STATUS.SUCCESS;
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function Submit(Irp: number, sp: number): number {
  const P = IO_STACK_LOCATION.off;
  if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_RULE_SUBMIT) return STATUS.INVALID_DEVICE_REQUEST;
  const length = ddi.mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']);
  const work = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, WORK_SIZE, TAG);
  if (work === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('DoubleFree: work=%p\n'), work);
  let status: number = STATUS.SUCCESS;
  if (length < REQUEST_HEADER) {
    ddi.ExFreePoolWithTag(work, TAG);
    status = STATUS.INVALID_PARAMETER;
  } else {
    ddi.mem.copy(work, ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']), Math.min(length, WORK_SIZE));
  }
  ddi.ExFreePoolWithTag(work, TAG); // VIOLATION: the error path freed it already
  return status;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
