/**
 * FreeWithQueuedWorkItemClean (C twin drivers/c/rules/FreeWithQueuedWorkItemClean.c): a request block carries the system work item (WORK_QUEUE_ITEM) that
 * finishes it at PASSIVE_LEVEL. The block is freed once the worker has run (it signals Finished).
 */
import { DRIVER_OBJECT, EVENT_TYPE, IO_NO_INCREMENT, KEVENT, POOL_TYPE, STATUS, WORK_QUEUE_ITEM, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const DelayedWorkQueue = 1;
const Executive = 0;
const KernelMode = 0;
/** REQUEST_BLOCK: the work item, the Finished event, the Result. */
const R = { Item: 0, Finished: WORK_QUEUE_ITEM.size, Result: WORK_QUEUE_ITEM.size + KEVENT.size, Size: WORK_QUEUE_ITEM.size + KEVENT.size + 4 } as const;

let ddi: DriverApi;

function FinishWorker(Parameter: number): void {
  ddi.mem.setU32(Parameter + R.Result, 1);
  ddi.KeSetEvent(Parameter + R.Finished, IO_NO_INCREMENT, 0);
}

function CancelRequest(request: number): void {
  ddi.KeWaitForSingleObject(request + R.Finished, Executive, KernelMode, 0, 0);
  ddi.ExFreePoolWithTag(request, TAG);
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const request = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, R.Size, TAG);
  if (request === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(request + R.Result, 0);
  ddi.KeInitializeEvent(request + R.Finished, EVENT_TYPE.NotificationEvent, 0);
  // ExInitializeWorkItem
  ddi.mem.setU32(request + R.Item + WORK_QUEUE_ITEM.off.WorkerRoutine, ddi.addressOf(FinishWorker));
  ddi.mem.setU32(request + R.Item + WORK_QUEUE_ITEM.off.Parameter, request);
  ddi.mem.setU32(request + R.Item + WORK_QUEUE_ITEM.off['List.Flink'], 0);
  ddi.DbgPrint(ddi.str('FreeWithQueuedWorkItem: block=%p item=%p\n'), request, request + R.Item);
  ddi.ExQueueWorkItem(request + R.Item, DelayedWorkQueue);
  CancelRequest(request);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
