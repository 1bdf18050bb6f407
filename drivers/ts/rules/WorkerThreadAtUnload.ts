/**
 * WorkerThreadAtUnload: DriverUnload hands the final flush to a new system thread and returns
 * without waiting for it. The thread has not even started when the image goes.
 *
 * Driver Verifier, right after DriverUnload: 0xCE DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
 * Parameter 1 = the thread's start routine, 2 = 0, 3 = the same address, 4 = 0: the stop Windows
 * raises when the thread later runs the unloaded code, raised at once.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');

let ddi: DriverApi;
let flushed = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('WorkerThreadAtUnload: routine=%p\n'), ddi.addressOf(FlushThread));
  return STATUS.SUCCESS;
}

function FlushThread(_Context: number): void {
  flushed++;
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  const slot = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (ddi.PsCreateSystemThread(slot, 0, 0, 0, 0, ddi.addressOf(FlushThread), 0) === STATUS.SUCCESS) { // VIOLATION: not waited for
    ddi.ZwClose(ddi.mem.u32(slot));
  }
  ddi.ExFreePoolWithTag(slot, TAG);
}
