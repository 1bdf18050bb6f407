/** PagedFreeAboveApcClean: the entry is unlinked under the spin lock and freed after it is released. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const ENTRY_SIZE = 0x40;
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_LAST = 8;
const CTX_SIZE = 12;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  ddi.mem.setU32(context + CTX_LAST, ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, ENTRY_SIZE, TAG));
  return STATUS.SUCCESS;
}

function DropLogEntry(): void {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  const entry = ddi.mem.u32(context + CTX_LAST);
  ddi.mem.setU32(context + CTX_LAST, 0);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
  if (entry !== 0) ddi.ExFreePoolWithTag(entry, TAG);
}

function DriverUnload(_DriverObject: number): void {
  DropLogEntry();
  ddi.ExFreePoolWithTag(context, TAG);
}
