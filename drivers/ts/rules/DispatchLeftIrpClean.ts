/**
 * DispatchLeftIrpClean: DispatchLeftIrp done right: a request whose input is too short is completed
 * with STATUS_BUFFER_TOO_SMALL, and that status returned.
 * `dv run drivers/ts/rules/DispatchLeftIrpClean.ts --ioctl 0x222004`.
 *
 * The frame (devices, create/close, unload) is the one every I/O verification sample has
 * (drivers/c/rules/IoRule.h in C); Control is the dispatch routine of device controls.
 */
import { DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, IoGetCurrentIrpStackLocation, POOL_TYPE, STATUS, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

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
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\DispatchLeftIrpClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  let status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  Lower = ddi.mem.u32(out);
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

const REQUEST_HEADER = 4;

function Control(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  ddi.DbgPrint(ddi.str('DispatchLeftIrpClean: irp=%p control=%p\n'), Irp, ddi.addressOf(Control));
  const status = ddi.mem.u32(sp + IO_STACK_LOCATION.off['Parameters.DeviceIoControl.InputBufferLength']) < REQUEST_HEADER ? STATUS.BUFFER_TOO_SMALL : STATUS.SUCCESS;
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
