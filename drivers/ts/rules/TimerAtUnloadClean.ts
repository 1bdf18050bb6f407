/**
 * TimerAtUnloadClean: DriverUnload cancels the timer and waits for a DPC it may have queued before
 * it frees anything the timer uses.
 */
import { DRIVER_OBJECT, KDPC, KTIMER, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const ONE_SECOND = -10_000_000n;

let ddi: DriverApi;
let timer = 0;
let dpc = 0;
let ticks = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  timer = ddi.str('g_StatisticsTimer'.padEnd(KTIMER.size - 1));
  dpc = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KDPC.size, TAG);
  if (dpc === 0) return STATUS.INSUFFICIENT_RESOURCES;
  StartStatistics();
  return STATUS.SUCCESS;
}

function StartStatistics(): void {
  ddi.KeInitializeTimer(timer);
  ddi.KeInitializeDpc(dpc, ddi.addressOf(StatisticsDpc), 0);
  ddi.KeSetTimerEx(timer, ONE_SECOND, 1000, dpc);
}

function StatisticsDpc(_Dpc: number, _Context: number, _Arg1: number, _Arg2: number): void {
  ticks++;
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeCancelTimer(timer);
  ddi.KeFlushQueuedDpcs();
  ddi.ExFreePoolWithTag(dpc, TAG);
}
