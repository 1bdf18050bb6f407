/** LowerIrqlRaisesClean: KeLowerIrql gets back the level KeRaiseIrql saved. */
import { APC_LEVEL, DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_OLD_IRQL = 0;
const CTX_STATE = 4;
const CTX_SIZE = 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  SetState(1);
  return STATUS.SUCCESS;
}

function SetState(state: number): void {
  ddi.KeRaiseIrql(APC_LEVEL, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_STATE, state);
  ddi.KeLowerIrql(ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
