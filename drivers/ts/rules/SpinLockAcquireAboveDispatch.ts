/**
 * SpinLockAcquireAboveDispatch: a routine that runs at device IRQL (here: raised to 5, as an
 * interrupt service routine runs) takes an ordinary spin lock. KeAcquireSpinLock raises to
 * DISPATCH_LEVEL, below where it already is: that is what KeAcquireInterruptSpinLock is for.
 *
 * Driver Verifier: 0xC4 / 0x42, Parameter 2 = the IRQL (5), 3 = the spin lock, 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const DEVICE_IRQL = 5;
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_PENDING = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.DbgPrint(ddi.str('SpinLockAcquireAboveDispatch: lock=%p\n'), context + CTX_LOCK);
  SimulateInterrupt();
  return STATUS.SUCCESS;
}

/** What the interrupt would do: run the service routine at device IRQL. */
function SimulateInterrupt(): void {
  ddi.KeRaiseIrql(DEVICE_IRQL, context + CTX_OLD_IRQL);
  const old = ddi.mem.u8(context + CTX_OLD_IRQL);
  ServiceInterrupt();
  ddi.KeLowerIrql(old);
}

function ServiceInterrupt(): void {
  const lock = context + CTX_LOCK;
  ddi.KeAcquireSpinLock(lock, context + CTX_OLD_IRQL); // VIOLATION: above DISPATCH_LEVEL
  ddi.mem.setU32(context + CTX_PENDING, 1);
  ddi.KeReleaseSpinLock(lock, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
