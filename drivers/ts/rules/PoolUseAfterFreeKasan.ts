/**
 * PoolUseAfterFreeKasan: IOCTL_RULE_SET_NAME (METHOD_BUFFERED) gives the driver a name to report at
 * unload. Instead of copying the name, the driver keeps a pointer to it in the request's system
 * buffer; the I/O manager frees that buffer when the request completes, and DriverUnload reads the
 * freed buffer.
 * `dv run drivers/ts/rules/PoolUseAfterFreeKasan.ts --ioctl 0x222004:52756c652d73616d706c6500`
 * sends "Rule-sample".
 *
 * The system buffer is the I/O manager's allocation (ordinary nonpaged pool: special pool takes only
 * the verified driver's own allocations), so Driver Verifier's options do not see the read. The
 * pool's redzones do: the freed block is poisoned (shadow 0xFD), and the read gets what Windows' KASAN
 * reports: 0x1F2, Parameter 1 = the address read (the buffer), 2 = 4 (the size), 3 = the address of
 * the reading instruction, 4 = 0xFD.
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
  ddi.RtlInitUnicodeString(deviceName, ddi.wstr('\\Device\\PoolUseAfterFreeKasan'));
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
  // The bug: the system buffer is the request's, and goes when it completes.
  name = ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  nameLength = length;
  ddi.DbgPrint(ddi.str('PoolUseAfterFreeKasan: name=%p\n'), name);
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
    const begins = ddi.mem.u32(name); // VIOLATION: the request's buffer was freed
    ddi.DbgPrint(ddi.str('PoolUseAfterFreeKasan: unloading, name begins %08lx (%lu bytes)\n'), begins, nameLength);
  }
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
