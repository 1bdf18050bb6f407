/**
 * TimerAtUnload: a statistics timer, a static KTIMER in the driver's image, fires every second.
 * DriverUnload never cancels the timer: the kernel keeps a
 * set timer in memory that is about to be unmapped.
 *
 * A C driver's `static KTIMER g_Timer;` lives in its image. A TypeScript driver's only static
 * storage in its image is its literals, so this sample takes the timer's storage from one of the
 * right size (the string is only a placeholder: KeInitializeTimer overwrites it).
 *
 * Driver Verifier, right after DriverUnload: 0xC7 / 0x0, Parameter 2 = the timer, 3-4 = the image
 * [start, end).
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
  ddi.DbgPrint(ddi.str('TimerAtUnload: timer=%p\n'), timer);
  StartStatistics();
  return STATUS.SUCCESS;
}

function StartStatistics(): void {
  ddi.KeInitializeTimer(timer);
  ddi.KeInitializeDpc(dpc, ddi.addressOf(StatisticsDpc), 0);
  ddi.KeSetTimerEx(timer, ONE_SECOND, 1000, dpc); // VIOLATION: set here, never cancelled
}

function StatisticsDpc(_Dpc: number, _Context: number, _Arg1: number, _Arg2: number): void {
  ticks++;
}

function DriverUnload(_DriverObject: number): void {
  // Nothing: freeing the DPC's pool while the timer is still set would stop at that free (FreeWithSetTimer's
  // check, 0xC7/0x1 under Miscellaneous checks); this sample shows what the unload check finds.
}
