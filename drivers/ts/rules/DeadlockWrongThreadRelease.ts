/**
 * DeadlockWrongThreadRelease: DriverEntry takes the configuration mutex (a KMUTEX) and hands the rest of
 * the set-up to a system thread, which releases the mutex when it is done. A KMUTEX belongs to the thread
 * that acquired it: only that thread may release it.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1004, Parameter 2 = the mutex, 3 = the thread that
 * acquired it (DriverEntry's), 4 = the thread releasing it (the system thread).
 */
import { DRIVER_OBJECT, KMUTEX, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KernelMode = 0;
const Executive = 0;
/** Context block: the mutex, the handle slot, a setting. */
const CTX_MUTEX = 0;
const CTX_SLOT = KMUTEX.size;
const CTX_SETTING = KMUTEX.size + 4;
const CTX_SIZE = KMUTEX.size + 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeMutex(context + CTX_MUTEX, 0);
  ddi.DbgPrint(ddi.str('DeadlockWrongThreadRelease: mutex=%p owner=%p\n'), context + CTX_MUTEX, ddi.KeGetCurrentThread());
  ddi.KeWaitForSingleObject(context + CTX_MUTEX, Executive, KernelMode, 0, 0);
  if (ddi.PsCreateSystemThread(context + CTX_SLOT, 0, 0, 0, 0, ddi.addressOf(FinishSetup), 0) === STATUS.SUCCESS) {
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

function FinishSetup(_Context: number): void {
  ddi.mem.setU32(context + CTX_SETTING, 1);
  ddi.KeReleaseMutex(context + CTX_MUTEX, 0); // VIOLATION: DriverEntry's thread acquired it
  ddi.PsTerminateSystemThread(STATUS.SUCCESS);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
