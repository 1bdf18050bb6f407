/**
 * DeadlockThreadHoldsLocks: the driver's refresh thread takes the table mutex (a KMUTEX) and, on its
 * "nothing to do" path, ends without releasing it: the mutex is abandoned and every later waiter's
 * acquisition fails or waits forever.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x100A, Parameter 2 = the terminating thread, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, KMUTEX, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KernelMode = 0;
const Executive = 0;
/** Context block: the mutex, the handle slot, the number of entries. */
const CTX_MUTEX = 0;
const CTX_SLOT = KMUTEX.size;
const CTX_ENTRIES = KMUTEX.size + 4;
const CTX_SIZE = KMUTEX.size + 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeMutex(context + CTX_MUTEX, 0);
  ddi.DbgPrint(ddi.str('DeadlockThreadHoldsLocks: mutex=%p\n'), context + CTX_MUTEX);
  if (ddi.PsCreateSystemThread(context + CTX_SLOT, 0, 0, 0, 0, ddi.addressOf(RefreshThread), 0) === STATUS.SUCCESS) {
    const handle = ddi.mem.u32(context + CTX_SLOT);
    if (ddi.ObReferenceObjectByHandle(handle, 0, 0, KernelMode, context + CTX_SLOT, 0) === STATUS.SUCCESS) {
      const thread = ddi.mem.u32(context + CTX_SLOT);
      ddi.KeWaitForSingleObject(thread, Executive, KernelMode, 0, 0);
      ddi.ObDereferenceObject(thread);
    }
    ddi.ZwClose(handle);
  }
  return STATUS.SUCCESS;
}

function RefreshThread(_Context: number): void {
  ddi.DbgPrint(ddi.str('DeadlockThreadHoldsLocks: thread=%p\n'), ddi.KeGetCurrentThread());
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  if (ddi.mem.u32(context + CTX_ENTRIES) === 0) {
    ddi.PsTerminateSystemThread(STATUS.SUCCESS); // VIOLATION: the table mutex is still held
  }
  ddi.mem.setU32(context + CTX_ENTRIES, 0);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0);
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
