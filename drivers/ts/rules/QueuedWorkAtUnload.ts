/**
 * QueuedWorkAtUnload: DriverUnload queues its cleanup as a system work item (ExQueueWorkItem) and
 * returns. Unlike IoQueueWorkItem, ExQueueWorkItem holds no reference that would keep the image:
 * the worker routine will run after the driver is gone.
 *
 * Driver Verifier, right after DriverUnload: 0xCE, Parameter 1 = the worker routine, 2 = 0,
 * 3 = the same address, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, WORK_QUEUE_ITEM, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const DelayedWorkQueue = 1;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('QueuedWorkAtUnload: routine=%p\n'), ddi.addressOf(CleanupWorker));
  return STATUS.SUCCESS;
}

function CleanupWorker(Parameter: number): void {
  ddi.ExFreePoolWithTag(Parameter, TAG);
}

function DriverUnload(_DriverObject: number): void {
  const item = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, WORK_QUEUE_ITEM.size, TAG);
  ddi.mem.setU32(item + WORK_QUEUE_ITEM.off.WorkerRoutine, ddi.addressOf(CleanupWorker));
  ddi.mem.setU32(item + WORK_QUEUE_ITEM.off.Parameter, item);
  ddi.ExQueueWorkItem(item, DelayedWorkQueue); // VIOLATION: runs after the image is gone
}
