/**
 * SpinLockDpcReleaseLowIrql: the driver raises to DISPATCH_LEVEL and takes the lock at DPC level,
 * but lowers IRQL back to PASSIVE_LEVEL before it lets the lock go with
 * KeReleaseSpinLockFromDpcLevel.
 *
 * Driver Verifier: 0xC4 / 0x41, Parameter 2 = the IRQL (0), 3 = the spin lock, 4 = 0.
 */
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
  ddi.DbgPrint(ddi.str('SpinLockDpcReleaseLowIrql: lock=%p\n'), context + CTX_LOCK);
  Update(7);
  return STATUS.SUCCESS;
}

function Update(value: number): void {
  const lock = context + CTX_LOCK;
  const old = ddi.KeRaiseIrqlToDpcLevel();
  ddi.KeAcquireSpinLockAtDpcLevel(lock);
  ddi.mem.setU32(context + CTX_VALUE, value);
  ddi.KeLowerIrql(old);
  ddi.KeReleaseSpinLockFromDpcLevel(lock); // VIOLATION: IRQL is already back at PASSIVE_LEVEL
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
