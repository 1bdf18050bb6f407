/**
 * Benchmark driver for scale: IOCTL_HOARD takes a ULONG count N (buffered) and allocates N 16-byte
 * blocks (tag 'Hord'), keeping them on a singly linked list. DriverUnload deletes the device and
 * forgets the list, so unloading with blocks held is Driver Verifier's 0xC4/0x62 with Arg4 = N.
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

export const IOCTL_HOARD = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Hord');
const BLOCK_BYTES = 16;
let ddi: DriverApi;
/** Head of the list of held blocks: each block's first ULONG points to the next. */
let held = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const us = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 12, TAG);
  ddi.RtlInitUnicodeString(us, ddi.wstr('\\Device\\Hoard'));
  const status = ddi.IoCreateDevice(DriverObject, 0, us, FILE_DEVICE_UNKNOWN, 0, 0, us + 8);
  ddi.ExFreePoolWithTag(us, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (let mj = 0; mj <= IRP_MJ.PNP; mj++) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(Unload));
  return STATUS.SUCCESS;
}

/** BUG (on purpose): the held blocks are not freed. */
function Unload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const buffer = ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  const n = buffer === 0 ? 0 : ddi.mem.u32(buffer);
  let status: number = STATUS.SUCCESS;
  for (let i = 0; i < n; i++) {
    const p = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, BLOCK_BYTES, TAG);
    if (p === 0) {
      status = STATUS.INSUFFICIENT_RESOURCES;
      break;
    }
    ddi.mem.setU32(p, held);
    held = p;
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
