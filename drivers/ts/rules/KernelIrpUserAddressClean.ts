/**
 * KernelIrpUserAddressClean (C twin drivers/c/rules/KernelIrpUserAddressClean.c): the clean twin of
 * KernelIrpUserAddress. The worker fills a buffer of the driver's own (nonpaged pool), and the
 * handler copies it to the caller's buffer after probing it.
 *
 * Driver Verifier (Security checks): no stop.
 */
import {
  CTL_CODE, DRIVER_OBJECT, EXCEPTION_EXECUTE_HANDLER, EVENT_TYPE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IO_STATUS_BLOCK, IRP, IRP_MJ, KEVENT, METHOD_NEITHER, POOL_TYPE, STATUS,
  IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('KIrp');
const IOCTL_RULE_FETCH = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_NEITHER, FILE_ANY_ACCESS);
const IOCTL_WORKER_FILL = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS);
const S = IO_STACK_LOCATION.off;
const Executive = 0;
const KernelMode = 0;

let ddi: DriverApi;
let Device = 0;
let Worker = 0;

/** The worker's answer: bytes 0x00, 0x01, ... in the request's output buffer. */
function Fill(Irp: number, sp: number): number {
  const out = ddi.mem.u32(Irp + IRP.off.UserBuffer);
  const length = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']);
  for (let i = 0; i < length; i++) ddi.mem.setU8(out + i, i & 0xff);
  ddi.mem.setU32(Irp + IRP.off['IoStatus.Information'], length);
  return STATUS.SUCCESS;
}

function Fetch(Irp: number, sp: number): number {
  const length = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']);
  const output = ddi.mem.u32(Irp + IRP.off.UserBuffer);
  ddi.DbgPrint(ddi.str('KernelIrpUserAddress: output=%p\n'), output);
  if (length === 0) return STATUS.INVALID_PARAMETER;
  // The event, the status block and the worker's buffer, all the driver's own.
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size + IO_STATUS_BLOCK.size + length, TAG);
  if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const event = block;
  const iosb = block + KEVENT.size;
  const buffer = iosb + IO_STATUS_BLOCK.size;
  ddi.KeInitializeEvent(event, EVENT_TYPE.NotificationEvent, 0);
  const request = ddi.IoBuildDeviceIoControlRequest(IOCTL_WORKER_FILL, Worker, 0, 0, buffer, length, 0, event, iosb);
  if (request === 0) {
    ddi.ExFreePoolWithTag(block, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  let status = ddi.IofCallDriver(Worker, request);
  if (status === STATUS.PENDING) {
    ddi.KeWaitForSingleObject(event, Executive, KernelMode, 0, 0);
    status = ddi.mem.u32(iosb + IO_STATUS_BLOCK.off.Status) | 0;
  }
  if (status === STATUS.SUCCESS) {
    status = ddi.__try(
      () => {
        ddi.ProbeForWrite(output, length, 1);
        for (let i = 0; i < length; i++) ddi.mem.setU8(output + i, ddi.mem.u8(buffer + i));
        ddi.mem.setU32(Irp + IRP.off['IoStatus.Information'], length);
        return STATUS.SUCCESS;
      },
      { except: EXCEPTION_EXECUTE_HANDLER, handler: (code) => code },
    );
  }
  ddi.ExFreePoolWithTag(block, TAG);
  return status;
}

function Dispatch(DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  let status: number = STATUS.SUCCESS;
  ddi.mem.setU32(Irp + IRP.off['IoStatus.Information'], 0);
  if (ddi.mem.u8(sp + S.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    const code = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']);
    if (DeviceObject === Worker && code === IOCTL_WORKER_FILL) status = Fill(Irp, sp);
    else if (DeviceObject === Device && code === IOCTL_RULE_FETCH) status = Fetch(Irp, sp);
    else status = STATUS.INVALID_DEVICE_REQUEST;
  }
  SetIoStatus(ddi.mem, Irp, status, ddi.mem.u32(Irp + IRP.off['IoStatus.Information']));
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\KernelIrpUserAddressClean'));
  let status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  Device = ddi.mem.u32(out);
  if (status === STATUS.SUCCESS) {
    status = ddi.IoCreateDevice(DriverObject, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
    Worker = ddi.mem.u32(out);
    if (status !== STATUS.SUCCESS) ddi.IoDeleteDevice(Device);
  }
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.IoDeleteDevice(Worker);
  ddi.IoDeleteDevice(Device);
}
