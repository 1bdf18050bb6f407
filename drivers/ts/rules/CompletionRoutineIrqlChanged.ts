/**
 * CompletionRoutineIrqlChanged: the upper device counts completed requests under a spin lock in its
 * completion routine, and returns without releasing the lock: at DISPATCH_LEVEL.
 * `dv run drivers/ts/rules/CompletionRoutineIrqlChanged.ts --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC4 / 0xFA, Parameter 2 = Completion, 3 =
 * the IRQL it was called at (0), 4 = the IRQL it returned at (2). !analyze blames Completion.
 * The frame (devices, create/close, unload) is the one every I/O verification sample has
 * (drivers/c/rules/IoRule.h in C); Control is the dispatch routine of device controls.
 */
import { DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IRP, IRP_MJ, IoCopyCurrentIrpStackLocationToNext, IoMarkIrpPending, IoSetCompletionRoutine, POOL_TYPE, STATUS, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

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
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\CompletionRoutineIrqlChanged'));
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

let completed = 0;

function Completion(_DeviceObject: number, Irp: number, _Context: number): number { // VIOLATION: returns holding the spin lock
  ddi.KeAcquireSpinLock(context + CTX.Lock, context + CTX.OldIrql);
  completed++;
  if (ddi.mem.u8(Irp + IRP.off.PendingReturned)) IoMarkIrpPending(ddi.mem, Irp);
  return STATUS.SUCCESS; // STATUS_CONTINUE_COMPLETION
}

function Control(DeviceObject: number, Irp: number): number {
  if (DeviceObject === Lower) return Serve(Irp);
  ddi.DbgPrint(ddi.str('CompletionRoutineIrqlChanged: completion=%p\n'), ddi.addressOf(Completion));
  IoCopyCurrentIrpStackLocationToNext(ddi.mem, Irp);
  IoSetCompletionRoutine(ddi.mem, Irp, ddi.addressOf(Completion), 0, true, true, true);
  return ddi.IofCallDriver(Lower, Irp);
}
