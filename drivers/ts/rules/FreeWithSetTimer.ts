/**
 * FreeWithSetTimer (C twin drivers/c/rules/FreeWithSetTimer.c): a poller block carries a timer and its DPC. Stopping the poller frees the block
 * while the timer is still set: the kernel's timer list keeps a timer in freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC7 / 0x0, Parameter 2 = the timer,
 * 3-4 = the pool block [start, end).
 */
import { DRIVER_OBJECT, KDPC, KTIMER, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** POLLER: the timer, its DPC, the Polls count. */
const P = { Timer: 0, Dpc: KTIMER.size, Polls: KTIMER.size + KDPC.size, Size: KTIMER.size + KDPC.size + 4 } as const;

let ddi: DriverApi;

function PollDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.mem.setU32(Context + P.Polls, ddi.mem.u32(Context + P.Polls) + 1);
}

function StopPoller(poller: number): void {
  ddi.ExFreePoolWithTag(poller, TAG); // VIOLATION: its timer is still set
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const poller = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, P.Size, TAG);
  if (poller === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(poller + P.Polls, 0);
  ddi.KeInitializeTimer(poller + P.Timer);
  ddi.KeInitializeDpc(poller + P.Dpc, ddi.addressOf(PollDpc), poller);
  ddi.KeSetTimer(poller + P.Timer, -10n * 1000n * 1000n, poller + P.Dpc); // one second
  ddi.DbgPrint(ddi.str('FreeWithSetTimer: block=%p timer=%p\n'), poller, poller + P.Timer);
  StopPoller(poller);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
