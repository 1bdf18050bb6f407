/**
 * LowerIrqlInDpc (a variant of LowerIrqlRaises): a DPC routine "drops to PASSIVE_LEVEL to do the
 * slow part" with KeLowerIrql. A DPC runs at DISPATCH_LEVEL and must return at it; it may never go
 * below it.
 *
 * Driver Verifier: 0xC4 / 0x31, Parameter 2 = the current IRQL (2), 3 = the requested IRQL (0),
 * 4 = 1 (the new IRQL is invalid inside a DPC routine).
 */
import { DRIVER_OBJECT, KDPC, PASSIVE_LEVEL, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_DPC = 0;
const CTX_DONE = KDPC.size;
const CTX_SIZE = KDPC.size + 4;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeDpc(context + CTX_DPC, ddi.addressOf(CompletionDpc), context);
  ddi.KeInsertQueueDpc(context + CTX_DPC, 0, 0);
  return STATUS.SUCCESS;
}

function CompletionDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.KeLowerIrql(PASSIVE_LEVEL); // VIOLATION: below DISPATCH_LEVEL inside a DPC
  ddi.mem.setU32(Context + CTX_DONE, 1);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
