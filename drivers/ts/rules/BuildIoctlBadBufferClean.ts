/**
 * BuildIoctlBadBufferClean: the upper device passes each request's header on to the lower device as an internal
 * device control it builds with IoBuildDeviceIoControlRequest (METHOD_BUFFERED: the I/O manager copies
 * the header into the new request's system buffer).
 * The header is freed only once the lower device has answered.
 * `dv run drivers/ts/rules/BuildIoctlBadBufferClean.ts --ioctl 0x222004`.
 * The frame (devices, create/close, unload) is the one every I/O verification sample has
 * (drivers/c/rules/IoRule.h in C); Control is the dispatch routine of device controls.
 */
import { CTL_CODE, DRIVER_OBJECT, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STATUS_BLOCK, IRP_MJ, KEVENT, METHOD_BUFFERED, POOL_TYPE, STATUS, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** The spin lock, an OldIrql byte and scratch, in one nonpaged block. */
const CTX = { Lock: 0, OldIrql: 8, Scratch: 0x10, Size: 0x40 } as const;

let ddi: DriverApi;
/** The named device; with a stack, the device attached above it (0 otherwise). */
let Lower = 0;
let Upper = 0;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX.Size, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(context + CTX.Lock);
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\BuildIoctlBadBufferClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  let status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  Lower = ddi.mem.u32(out);
  if (status === STATUS.SUCCESS) {
    status = ddi.IoCreateDevice(DriverObject, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
    if (status === STATUS.SUCCESS) {
      Upper = ddi.mem.u32(out);
      ddi.IoAttachDeviceToDeviceStack(Upper, Lower);
    } else {
      ddi.IoDeleteDevice(Lower);
    }
  }
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(CompleteOther));
  for (const mj of [IRP_MJ.DEVICE_CONTROL, IRP_MJ.INTERNAL_DEVICE_CONTROL]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Control));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function CompleteOther(_DeviceObject: number, Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (Upper !== 0) {
    ddi.IoDetachDevice(Lower);
    ddi.IoDeleteDevice(Upper);
  }
  ddi.IoDeleteDevice(Lower);
  ddi.ExFreePoolWithTag(context, TAG);
}

/** The lower device serves a request at once. */
function Serve(Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}


const REQUEST_HEADER = 16;
const IOCTL_RULE_SUBMIT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);

function Control(DeviceObject: number, Irp: number): number {
  if (DeviceObject === Lower) return Serve(Irp);
  const mem = ddi.mem;
  ddi.DbgPrint(ddi.str('BuildIoctlBadBufferClean: device=%p\n'), Lower);
  // The event and the I/O status block (C's locals), then the header.
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size + IO_STATUS_BLOCK.size, TAG);
  const header = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, REQUEST_HEADER, TAG);
  let status: number = STATUS.INSUFFICIENT_RESOURCES;
  if (block !== 0 && header !== 0) {
    const event = block;
    const iosb = block + KEVENT.size;
    for (let i = 0; i < REQUEST_HEADER; i += 4) mem.setU32(header + i, 0);
    ddi.KeInitializeEvent(event, 0, 0);
    const request = ddi.IoBuildDeviceIoControlRequest(IOCTL_RULE_SUBMIT, Lower, header, REQUEST_HEADER, 0, 0, 1, event, iosb);
    if (request !== 0) {
      status = ddi.IofCallDriver(Lower, request);
      if (status === STATUS.PENDING) {
        ddi.KeWaitForSingleObject(event, 0, 0, 0, 0);
        status = mem.u32(iosb + IO_STATUS_BLOCK.off.Status);
      }
    }
  }
  if (header !== 0) ddi.ExFreePoolWithTag(header, TAG);
  if (block !== 0) ddi.ExFreePoolWithTag(block, TAG);
  SetIoStatus(mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
