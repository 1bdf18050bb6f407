/**
 * CompletionNotMarkedPending: the upper device sends each request to the lower one with a completion
 * routine; the lower device finishes requests later (STATUS_PENDING, from a work item), and the
 * completion routine lets completion go on without the `if (Irp->PendingReturned)
 * IoMarkIrpPending(Irp);` that must then propagate the pending state.
 * `dv run drivers/ts/rules/CompletionNotMarkedPending.ts --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x228, Parameter 2 = Completion,
 * 3 = the IRP, 4 = 0. !analyze blames Completion.
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
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\CompletionNotMarkedPending'));
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

let work = 0;

function Finish(_DeviceObject: number, Context: number): void {
  ddi.IoFreeWorkItem(work);
  SetIoStatus(ddi.mem, Context, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Context, IO_NO_INCREMENT);
}

function Completion(_DeviceObject: number, Irp: number, _Context: number): number { // VIOLATION: PendingReturned, and not marked pending
  void Irp;
  return STATUS.SUCCESS; // STATUS_CONTINUE_COMPLETION
}

/** The lower device finishes requests later, from a work item. */
function Serve(DeviceObject: number, Irp: number): number {
  work = ddi.IoAllocateWorkItem(DeviceObject);
  if (work === 0) {
    SetIoStatus(ddi.mem, Irp, STATUS.INSUFFICIENT_RESOURCES, 0);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  IoMarkIrpPending(ddi.mem, Irp);
  ddi.IoQueueWorkItem(work, ddi.addressOf(Finish), 1 /* DelayedWorkQueue */, Irp);
  return STATUS.PENDING;
}

function Control(DeviceObject: number, Irp: number): number {
  if (DeviceObject === Lower) return Serve(DeviceObject, Irp);
  ddi.DbgPrint(ddi.str('CompletionNotMarkedPending: irp=%p completion=%p\n'), Irp, ddi.addressOf(Completion));
  IoCopyCurrentIrpStackLocationToNext(ddi.mem, Irp);
  IoSetCompletionRoutine(ddi.mem, Irp, ddi.addressOf(Completion), 0, true, true, true);
  return ddi.IofCallDriver(Lower, Irp);
}
