/**
 * DpcRoutineAtUnload: the device polls its hardware from a periodic timer kept, with its DPC, in
 * the device extension. DriverUnload deletes the device without cancelling the timer: the kernel
 * still holds a set timer (in freed memory) whose DPC routine is code of the unloading image.
 *
 * Driver Verifier, right after DriverUnload: 0xC7 / 0x2, Parameter 2 = the DPC routine, 3-4 = the
 * image [start, end).
 */
import { DEVICE_OBJECT, DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, KDPC, KTIMER, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const POLL_INTERVAL = -100_000n * 10n;
const EXT_TIMER = 0;
const EXT_DPC = KTIMER.size;
const EXT_POLLS = KTIMER.size + KDPC.size;
const EXT_SIZE = EXT_POLLS + 4;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (status !== STATUS.SUCCESS) return status;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('DpcRoutineAtUnload: routine=%p\n'), ddi.addressOf(PollDpc));
  StartPolling(ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension));
  return STATUS.SUCCESS;
}

function StartPolling(ext: number): void {
  ddi.KeInitializeTimer(ext + EXT_TIMER);
  ddi.KeInitializeDpc(ext + EXT_DPC, ddi.addressOf(PollDpc), ext);
  ddi.KeSetTimerEx(ext + EXT_TIMER, POLL_INTERVAL, 100, ext + EXT_DPC); // VIOLATION: set here, never cancelled
}

function PollDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.mem.setU32(Context + EXT_POLLS, ddi.mem.u32(Context + EXT_POLLS) + 1);
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
