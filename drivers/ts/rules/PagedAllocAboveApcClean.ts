/** PagedAllocAboveApcClean: the entry is allocated (paged) before the spin lock is taken; only the link happens under it. */
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
  AppendLogEntry();
  return STATUS.SUCCESS;
}

function AppendLogEntry(): void {
  const entry = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, ENTRY_SIZE, TAG);
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_LAST, entry);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  const entry = ddi.mem.u32(context + CTX_LAST);
  if (entry !== 0) ddi.ExFreePoolWithTag(entry, TAG);
  ddi.ExFreePoolWithTag(context, TAG);
}
