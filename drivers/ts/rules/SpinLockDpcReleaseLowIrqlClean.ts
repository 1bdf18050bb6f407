/** SpinLockDpcReleaseLowIrqlClean: the lock is released at DPC level first, then IRQL is lowered. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CTX_LOCK = 0;
const CTX_VALUE = 4;
const CTX_SIZE = 8;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  Update(7);
  return STATUS.SUCCESS;
}

function Update(value: number): void {
  const lock = context + CTX_LOCK;
  const old = ddi.KeRaiseIrqlToDpcLevel();
  ddi.KeAcquireSpinLockAtDpcLevel(lock);
  ddi.mem.setU32(context + CTX_VALUE, value);
  ddi.KeReleaseSpinLockFromDpcLevel(lock);
  ddi.KeLowerIrql(old);
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
