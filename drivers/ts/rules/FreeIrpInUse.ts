/**
 * FreeIrpInUse: Control queries the device with an IRP of its own (IRP_MJ_INTERNAL_DEVICE_CONTROL,
 * which the device holds until the hardware answers); when the answer is pending it gives up and
 * frees the query IRP, which the device still holds.
 * `dv run drivers/ts/rules/FreeIrpInUse.ts --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20B, Parameter 2 = the call site of
 * IoFreeIrp, 3 = the IRP, 4 = 0.
 * The frame (devices, create/close, unload) is the one every I/O verification sample has
 * (drivers/c/rules/IoRule.h in C); Control is the dispatch routine of device controls.
 */
import { DEVICE_OBJECT, DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP, IRP_MJ, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine, POOL_TYPE, STATUS, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

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
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\FreeIrpInUse'));
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

/** The query the device holds until the hardware answers. */
let held = 0;

function Done(_DeviceObject: number, Irp: number, _Context: number): number {
  ddi.IoFreeIrp(Irp);
  return STATUS.MORE_PROCESSING_REQUIRED;
}

function CancelHeld(_DeviceObject: number, Irp: number): void {
  ddi.IoReleaseCancelSpinLock(ddi.mem.u8(Irp + IRP.off.CancelIrql));
  held = 0;
  SetIoStatus(ddi.mem, Irp, STATUS.CANCELLED, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
}

function Hold(Irp: number): number {
  IoMarkIrpPending(ddi.mem, Irp);
  held = Irp;
  ddi.mem.setU32(Irp + IRP.off.CancelRoutine, ddi.addressOf(CancelHeld));
  return STATUS.PENDING;
}

function Control(DeviceObject: number, Irp: number): number {
  const S = IO_STACK_LOCATION.off;
  if (ddi.mem.u8(IoGetCurrentIrpStackLocation(ddi.mem, Irp) + S.MajorFunction) === IRP_MJ.INTERNAL_DEVICE_CONTROL) return Hold(Irp);
  const query = ddi.IoAllocateIrp(ddi.mem.u8(DeviceObject + DEVICE_OBJECT.off.StackSize), 0);
  if (query !== 0) {
    ddi.DbgPrint(ddi.str('FreeIrpInUse: irp=%p\n'), query);
    ddi.mem.setU8(IoGetNextIrpStackLocation(ddi.mem, query) + S.MajorFunction, IRP_MJ.INTERNAL_DEVICE_CONTROL);
    IoSetCompletionRoutine(ddi.mem, query, ddi.addressOf(Done), 0, true, true, true);
    const status = ddi.IofCallDriver(DeviceObject, query);
    if (status === STATUS.PENDING) {
      // No answer yet: give up on the query.
      ddi.IoFreeIrp(query); // VIOLATION: the device still holds it
    }
  }
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}
