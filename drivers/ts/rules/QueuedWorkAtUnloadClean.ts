/** QueuedWorkAtUnloadClean: DriverUnload queues the cleanup and waits for the worker to signal that it has run. */
import { DRIVER_OBJECT, KEVENT, POOL_TYPE, STATUS, WORK_QUEUE_ITEM, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const DelayedWorkQueue = 1;
const NotificationEvent = 0;
const KernelMode = 0;
const Executive = 0;
const ITEM_EVENT = WORK_QUEUE_ITEM.size;
const ITEM_SIZE = WORK_QUEUE_ITEM.size + KEVENT.size;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function CleanupWorker(Parameter: number): void {
  ddi.KeSetEvent(Parameter + ITEM_EVENT, 0, 0);
}

function DriverUnload(_DriverObject: number): void {
  const item = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, ITEM_SIZE, TAG);
  ddi.KeInitializeEvent(item + ITEM_EVENT, NotificationEvent, 0);
  ddi.mem.setU32(item + WORK_QUEUE_ITEM.off.WorkerRoutine, ddi.addressOf(CleanupWorker));
  ddi.mem.setU32(item + WORK_QUEUE_ITEM.off.Parameter, item);
  ddi.ExQueueWorkItem(item, DelayedWorkQueue);
  ddi.KeWaitForSingleObject(item + ITEM_EVENT, Executive, KernelMode, 0, 0);
  ddi.ExFreePoolWithTag(item, TAG);
}
