/**
 * SpinLockDpcAcquireLowIrqlClean: CompleteWork() runs only in the DPC, at DISPATCH_LEVEL, where
 * the AtDpcLevel spin lock routines belong.
 */
import { DRIVER_OBJECT, KDPC, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_LOCK = 0;
const CTX_DONE = 4;
const CTX_DPC = 8;
const CTX_SIZE = CTX_DPC + KDPC.size;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.KeInitializeDpc(context + CTX_DPC, ddi.addressOf(WorkDpc), context);
  ddi.KeInsertQueueDpc(context + CTX_DPC, 0, 0);
  return STATUS.SUCCESS;
}

function WorkDpc(_Dpc: number, _Context: number, _Arg1: number, _Arg2: number): void {
  CompleteWork();
}

function CompleteWork(): void {
  const lock = context + CTX_LOCK;
  ddi.KeAcquireSpinLockAtDpcLevel(lock);
  ddi.mem.setU32(context + CTX_DONE, ddi.mem.u32(context + CTX_DONE) + 1);
  ddi.KeReleaseSpinLockFromDpcLevel(lock);
}

function DriverUnload(_DriverObject: number): void {
  ddi.KeFlushQueuedDpcs();
  ddi.ExFreePoolWithTag(context, TAG);
}
