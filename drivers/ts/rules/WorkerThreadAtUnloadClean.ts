/** WorkerThreadAtUnloadClean: DriverUnload waits on the flush thread's object until the thread has ended. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KernelMode = 0;
const Executive = 0;

let ddi: DriverApi;
let flushed = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function FlushThread(_Context: number): void {
  flushed++;
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  const slot = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (ddi.PsCreateSystemThread(slot, 0, 0, 0, 0, ddi.addressOf(FlushThread), 0) === STATUS.SUCCESS) {
    const handle = ddi.mem.u32(slot);
    if (ddi.ObReferenceObjectByHandle(handle, 0, 0, KernelMode, slot, 0) === STATUS.SUCCESS) {
      const thread = ddi.mem.u32(slot);
      ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
      ddi.ObDereferenceObject(thread);
    }
    ddi.ZwClose(handle);
  }
  ddi.ExFreePoolWithTag(slot, TAG);
}
