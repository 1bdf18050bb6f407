/** RaiseIrqlLowersClean: Flush() raises only when IRQL is below APC_LEVEL, and lowers back to where it was. */
import { APC_LEVEL, DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_LOCK = 0;
const CTX_LOCK_IRQL = 4;
const CTX_FLUSH_IRQL = 5;
const CTX_DIRTY = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_LOCK_IRQL);
  Flush();
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_LOCK_IRQL));
  Flush();
  return STATUS.SUCCESS;
}

function Flush(): void {
  const raise = ddi.KeGetCurrentIrql() < APC_LEVEL;
  if (raise) ddi.KeRaiseIrql(APC_LEVEL, context + CTX_FLUSH_IRQL);
  ddi.mem.setU32(context + CTX_DIRTY, 0);
  if (raise) ddi.KeLowerIrql(ddi.mem.u8(context + CTX_FLUSH_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
