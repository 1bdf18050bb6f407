/**
 * FreeWithQueuedDpcClean (C twin drivers/c/rules/FreeWithQueuedDpcClean.c): a completion block carries the DPC that finishes the work at
 * DISPATCH_LEVEL. The abort path takes the DPC off the queue (KeRemoveQueueDpc) before freeing it.
 */
import { DRIVER_OBJECT, KDPC, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** COMPLETION: the DPC, the Done flag. */
const CP = { Dpc: 0, Done: KDPC.size, Size: KDPC.size + 4 } as const;

let ddi: DriverApi;
/** The queue lock and the OldIrql byte (C: a static KSPIN_LOCK and a local KIRQL). */
let queueLock = 0;

function FinishDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.mem.setU32(Context + CP.Done, 1);
}

/** Called under the queue lock. */
function AbortCompletion(completion: number): void {
  ddi.KeRemoveQueueDpc(completion + CP.Dpc);
  ddi.ExFreePoolWithTag(completion, TAG);
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  queueLock = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  if (queueLock === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(queueLock);
  const completion = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CP.Size, TAG);
  if (completion === 0) {
    ddi.ExFreePoolWithTag(queueLock, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  ddi.mem.setU32(completion + CP.Done, 0);
  ddi.KeInitializeDpc(completion + CP.Dpc, ddi.addressOf(FinishDpc), completion);
  ddi.DbgPrint(ddi.str('FreeWithQueuedDpc: block=%p dpc=%p\n'), completion, completion + CP.Dpc);
  ddi.KeAcquireSpinLock(queueLock, queueLock + 4);
  ddi.KeInsertQueueDpc(completion + CP.Dpc, 0, 0);
  AbortCompletion(completion);
  ddi.KeReleaseSpinLock(queueLock, ddi.mem.u8(queueLock + 4));
  ddi.ExFreePoolWithTag(queueLock, TAG);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
