/**
 * ObjectDereferenceBelowZero (a variant of ObjectReferenceCount): the driver dereferences the
 * thread object it referenced, and its unload path dereferences it once more. The second one takes
 * the count of a dead object below zero.
 *
 * Driver Verifier: 0xC4 / 0x3F, Parameter 2 = the object, 3 = -1 (the dereference case), 4 = 0.
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
  ddi.DbgPrint(ddi.str('ObjectDereferenceBelowZero: thread=%p\n'), thread);
  return status;
}

function Worker(_Context: number): void {
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
  ddi.ObDereferenceObject(thread);
  ddi.ObDereferenceObject(thread); // VIOLATION: one dereference too many
}
