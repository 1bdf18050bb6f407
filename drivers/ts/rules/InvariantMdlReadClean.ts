/**
 * InvariantMdlReadClean (C twin drivers/c/rules/InvariantMdlReadClean.c): the clean twin of
 * InvariantMdlRead. The read routine passes the read to the worker device as it came, and only the
 * worker, at the bottom, writes the caller's buffer.
 */
import { DO, DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP, IRP_MJ, POOL_TYPE, STATUS, DEVICE_OBJECT, IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const NormalPagePriority = 16;

let ddi: DriverApi;
let Device = 0;
let Worker = 0;

/** The worker: the device's data, bytes 0x00, 0x01, ... */
function Fill(Irp: number): number {
  const mem = ddi.mem;
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  let length = mem.u32(sp + IO_STACK_LOCATION.off['Parameters.Read.Length']);
  const mdl = mem.u32(Irp + IRP.off.MdlAddress);
  const data = mdl !== 0 ? ddi.MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) : 0;
  let status: number = STATUS.SUCCESS;
  if (data === 0) {
    status = STATUS.INSUFFICIENT_RESOURCES;
    length = 0;
  }
  for (let i = 0; i < length; i++) mem.setU8(data + i, i & 0xff);
  SetIoStatus(mem, Irp, status, length);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function ReadFromDevice(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  ddi.DbgPrint(ddi.str('InvariantMdlRead: device=%p irp=%p\n'), DeviceObject, Irp);
  const mdl = mem.u32(Irp + IRP.off.MdlAddress);
  const data = mdl !== 0 ? ddi.MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) : 0;
  if (data === 0) {
    SetIoStatus(mem, Irp, STATUS.INSUFFICIENT_RESOURCES, 0);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  ddi.DbgPrint(ddi.str('InvariantMdlRead: buffer=%p\n'), data);
  IoSkipCurrentIrpStackLocation(mem, Irp);
  return ddi.IofCallDriver(Worker, Irp);
}

function Dispatch(DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  if (ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.READ) return DeviceObject === Worker ? Fill(Irp) : ReadFromDevice(DeviceObject, Irp);
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

/** Direct I/O, and initialized. */
function ready(device: number): void {
  const flags = device + DEVICE_OBJECT.off.Flags;
  ddi.mem.setU32(flags, (ddi.mem.u32(flags) | DO.DIRECT_IO) & ~DO.DEVICE_INITIALIZING);
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\InvariantMdlReadClean'));
  let status = ddi.IoCreateDevice(DriverObject, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  Worker = ddi.mem.u32(out);
  if (status === STATUS.SUCCESS) {
    status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
    Device = ddi.mem.u32(out);
    if (status !== STATUS.SUCCESS) ddi.IoDeleteDevice(Worker);
  }
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  // A read goes through both devices: one stack location each.
  ddi.mem.setU8(Device + DEVICE_OBJECT.off.StackSize, ddi.mem.u8(Worker + DEVICE_OBJECT.off.StackSize) + 1);
  ready(Device);
  ready(Worker);
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.READ]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.IoDeleteDevice(Device);
  ddi.IoDeleteDevice(Worker);
}
