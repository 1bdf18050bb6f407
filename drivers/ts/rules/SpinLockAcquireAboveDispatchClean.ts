/**
 * SpinLockAcquireAboveDispatchClean: the interrupt path only records the event (no lock at device
 * IRQL); the shared state is updated under the spin lock after IRQL is back at PASSIVE_LEVEL.
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
let interrupted = false;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  SimulateInterrupt();
  if (interrupted) RecordPending();
  return STATUS.SUCCESS;
}

function SimulateInterrupt(): void {
  ddi.KeRaiseIrql(DEVICE_IRQL, context + CTX_OLD_IRQL);
  const old = ddi.mem.u8(context + CTX_OLD_IRQL);
  interrupted = true;
  ddi.KeLowerIrql(old);
}

function RecordPending(): void {
  const lock = context + CTX_LOCK;
  ddi.KeAcquireSpinLock(lock, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_PENDING, 1);
  ddi.KeReleaseSpinLock(lock, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
