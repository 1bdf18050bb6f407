/**
 * RaiseIrqlLowers: Flush() wants "at least APC_LEVEL" and raises to it with KeRaiseIrql, but its
 * caller holds a spin lock: IRQL is DISPATCH_LEVEL, and KeRaiseIrql cannot lower it.
 *
 * Driver Verifier: 0xC4 / 0x30, Parameter 2 = the current IRQL (2), 3 = the requested IRQL (1), 4 = 0.
 */
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
  return STATUS.SUCCESS;
}

function Flush(): void {
  ddi.KeRaiseIrql(APC_LEVEL, context + CTX_FLUSH_IRQL); // VIOLATION: lowers from DISPATCH_LEVEL
  ddi.mem.setU32(context + CTX_DIRTY, 0);
  ddi.KeLowerIrql(ddi.mem.u8(context + CTX_FLUSH_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
