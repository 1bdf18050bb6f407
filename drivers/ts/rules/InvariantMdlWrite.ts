/**
 * InvariantMdlWrite (C twin drivers/c/rules/InvariantMdlWrite.c): the device takes writes by direct
 * I/O (an MDL of the caller's pages) and wants its data framed with a checksum byte and scrambled. The
 * write routine does that in place, in the caller's buffer, instead of in a buffer of its own: the
 * data the caller wrote changes under it.
 * `dv run drivers/ts/rules/InvariantMdlWrite.ts --verifier 0x229bb --write 48656c6c6f2c20646576696365`.
 *
 * Driver Verifier (Invariant MDL checking for stack, 0x2000), when the write completes: 0xC4 /
 * 0x1010, Parameter 2 = the device, 3 = the IRP, 4 = the MDL's buffer.
 */
import { DO, DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP, IRP_MJ, POOL_TYPE, STATUS, DEVICE_OBJECT, IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const SCRAMBLE = 0x5a;
const NormalPagePriority = 16;

let ddi: DriverApi;
let lastChecksum = 0;

function WriteToDevice(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const length = mem.u32(sp + IO_STACK_LOCATION.off['Parameters.Write.Length']);
  ddi.DbgPrint(ddi.str('InvariantMdlWrite: device=%p irp=%p\n'), DeviceObject, Irp);
  const mdl = mem.u32(Irp + IRP.off.MdlAddress);
  const data = mdl !== 0 ? ddi.MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) : 0;
  if (data === 0) {
    SetIoStatus(mem, Irp, STATUS.INSUFFICIENT_RESOURCES, 0);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  ddi.DbgPrint(ddi.str('InvariantMdlWrite: buffer=%p\n'), data);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    sum = (sum + mem.u8(data + i)) & 0xff;
    mem.setU8(data + i, mem.u8(data + i) ^ SCRAMBLE); // in the caller's pages
  }
  lastChecksum = sum;
  SetIoStatus(mem, Irp, STATUS.SUCCESS, length);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the caller's data was changed above
  return STATUS.SUCCESS;
}

function Dispatch(DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  if (ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.WRITE) return WriteToDevice(DeviceObject, Irp);
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\InvariantMdlWrite'));
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  const flags = device + DEVICE_OBJECT.off.Flags;
  ddi.mem.setU32(flags, (ddi.mem.u32(flags) | DO.DIRECT_IO) & ~DO.DEVICE_INITIALIZING);
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.WRITE]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
