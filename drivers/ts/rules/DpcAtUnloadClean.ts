/** DpcAtUnloadClean: the retry timer is cancelled (and its DPC flushed) before its memory is freed. */
import { DRIVER_OBJECT, KDPC, KTIMER, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const RETRY_DELAY = -50_000_000n;

let ddi: DriverApi;
let timer = 0;
let dpc = 0;
let retries = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  dpc = ddi.str('g_RetryDpc'.padEnd(KDPC.size - 1));
  timer = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KTIMER.size, TAG);
  if (timer === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ScheduleRetry();
  return STATUS.SUCCESS;
}

function ScheduleRetry(): void {
  ddi.KeInitializeTimer(timer);
  ddi.KeInitializeDpc(dpc, ddi.addressOf(RetryDpc), 0);
  ddi.KeSetTimer(timer, RETRY_DELAY, dpc);
}

function RetryDpc(_Dpc: number, _Context: number, _Arg1: number, _Arg2: number): void {
  retries++;
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeCancelTimer(timer);
  ddi.KeFlushQueuedDpcs();
  ddi.ExFreePoolWithTag(timer, TAG);
}
