/**
 * DeadlockLockOrder: two spin locks guard a queue (lock A) and its statistics (lock B). IOCTL 0x222004
 * takes A then B; IOCTL 0x222008 takes B then A. The two requests never overlap, so nothing hangs in
 * this run, but on a machine where both paths run at once on two processors each waits for the other
 * forever. `dv run drivers/ts/rules/DeadlockLockOrder.ts --ioctl 0x222004 --ioctl 0x222008`.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1001, Parameter 2 = the lock whose acquisition closed
 * the cycle (A), 3 and 4 = 0. `!deadlock` shows the two orders with their stacks.
 */
import { CTL_CODE, DRIVER_OBJECT, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, METHOD_BUFFERED, POOL_TYPE, STATUS, IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const IOCTL_QUEUE_PUSH = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_STATS_RESET = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
/** Context block: lock A (the queue), lock B (the statistics), the saved IRQL, two counters. */
const CTX_LOCK_A = 0;
const CTX_LOCK_B = 4;
const CTX_OLD_IRQL = 8;
const CTX_QUEUED = 12;
const CTX_RESETS = 16;
const CTX_SIZE = 20;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\DeadlockLockOrder'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK_A);
  ddi.KeInitializeSpinLock(context + CTX_LOCK_B);
  ddi.DbgPrint(ddi.str('DeadlockLockOrder: lockA=%p lockB=%p\n'), context + CTX_LOCK_A, context + CTX_LOCK_B);
  return STATUS.SUCCESS;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    const code = ddi.mem.u32(sp + IO_STACK_LOCATION.off['Parameters.DeviceIoControl.IoControlCode']);
    if (code === IOCTL_QUEUE_PUSH) QueuePush();
    else if (code === IOCTL_STATS_RESET) StatsReset();
    else status = STATUS.INVALID_DEVICE_REQUEST;
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Lock A, then lock B inside it. */
function QueuePush(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK_A, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_QUEUED, ddi.mem.u32(context + CTX_QUEUED) + 1);
  ddi.KeAcquireSpinLockAtDpcLevel(context + CTX_LOCK_B);
  ddi.mem.setU32(context + CTX_RESETS, 0);
  ddi.KeReleaseSpinLockFromDpcLevel(context + CTX_LOCK_B);
  ddi.KeReleaseSpinLock(context + CTX_LOCK_A, ddi.mem.u8(context + CTX_OLD_IRQL));
}

/** Lock B, then lock A inside it: the other order. */
function StatsReset(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK_B, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_RESETS, ddi.mem.u32(context + CTX_RESETS) + 1);
  ddi.KeAcquireSpinLockAtDpcLevel(context + CTX_LOCK_A); // VIOLATION: B then A, where QueuePush takes A then B
  ddi.mem.setU32(context + CTX_QUEUED, 0);
  ddi.KeReleaseSpinLockFromDpcLevel(context + CTX_LOCK_A);
  ddi.KeReleaseSpinLock(context + CTX_LOCK_B, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
  ddi.ExFreePoolWithTag(context, TAG);
}
