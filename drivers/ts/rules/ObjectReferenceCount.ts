/**
 * ObjectReferenceCount: the driver starts a worker thread and keeps a pointer to its object. When
 * the thread has finished and the driver has dropped its own reference, the object's count is 0 and
 * the object is gone; the driver then takes a new reference through its stale pointer: 0 -> 1.
 *
 * Driver Verifier: 0xC4 / 0x3F, Parameter 2 = the object, 3 = 1 (the reference case), 4 = 0.
 */
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
  ddi.DbgPrint(ddi.str('ObjectReferenceCount: thread=%p\n'), thread);
  return status;
}

function Worker(_Context: number): void {
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
  ddi.ObDereferenceObject(thread);
  ReportExit();
}

/** Reads the thread's exit state through the pointer it no longer holds a reference for. */
function ReportExit(): void {
  ddi.ObReferenceObjectByPointer(thread, 0, 0, KernelMode); // VIOLATION: the object is gone, count 0 -> 1
  ddi.ObDereferenceObject(thread);
}
