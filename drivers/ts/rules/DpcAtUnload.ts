/**
 * DpcAtUnload: the retry timer lives in pool, but its DPC is a static KDPC in the driver's image.
 * DriverUnload returns without cancelling it: the kernel still holds a set timer
 * whose DPC object is in the image about to be unmapped.
 *
 * (The KDPC's storage is a literal of the right size: a TypeScript driver's only static storage in
 * its image; see TimerAtUnload.ts.)
 *
 * Driver Verifier, right after DriverUnload: 0xC7 / 0x1, Parameter 2 = the DPC object, 3-4 = the
 * image [start, end).
 */
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
  ddi.DbgPrint(ddi.str('DpcAtUnload: dpc=%p\n'), dpc);
  ScheduleRetry();
  return STATUS.SUCCESS;
}

function ScheduleRetry(): void {
  ddi.KeInitializeTimer(timer);
  ddi.KeInitializeDpc(dpc, ddi.addressOf(RetryDpc), 0);
  ddi.KeSetTimer(timer, RETRY_DELAY, dpc); // VIOLATION: set here, never cancelled
}

function RetryDpc(_Dpc: number, _Context: number, _Arg1: number, _Arg2: number): void {
  retries++;
}

function DriverUnload(_DriverObject: number): void {
  // Nothing: freeing the timer's pool while it is still set would stop at that free (FreeWithSetTimer,
  // 0xC7/0x0 under Miscellaneous checks); this sample shows what the unload check finds.
}
