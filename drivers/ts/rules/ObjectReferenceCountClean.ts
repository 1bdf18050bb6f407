/** ObjectReferenceCountClean: everything the driver reads of the thread is read while it still holds its reference. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KernelMode = 0;
const Executive = 0;

let ddi: DriverApi;
let thread = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const slot = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  let status = ddi.PsCreateSystemThread(slot, 0, 0, 0, 0, ddi.addressOf(Worker), 0);
  if (status === STATUS.SUCCESS) {
    const handle = ddi.mem.u32(slot);
    status = ddi.ObReferenceObjectByHandle(handle, 0, 0, KernelMode, slot, 0);
    thread = ddi.mem.u32(slot);
    ddi.ZwClose(handle);
  }
  ddi.ExFreePoolWithTag(slot, TAG);
  return status;
}

function Worker(_Context: number): void {
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
  ReportExit();
  ddi.ObDereferenceObject(thread);
}

function ReportExit(): void {
  ddi.ObReferenceObjectByPointer(thread, 0, 0, KernelMode);
  ddi.ObDereferenceObject(thread);
}
