/**
 * PagedAllocAboveApc: a log entry is allocated from paged pool while the log's spin lock is held,
 * at DISPATCH_LEVEL, where a page fault cannot be taken.
 *
 * Driver Verifier: 0xC4 / 0x01, Parameter 2 = the IRQL (2), 3 = the pool type (1, PagedPool),
 * 4 = the size (0x40).
 */
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
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  const entry = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, ENTRY_SIZE, TAG); // VIOLATION: paged pool at DISPATCH_LEVEL
  ddi.mem.setU32(context + CTX_LAST, entry);
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
}

function DriverUnload(_DriverObject: number): void {
  const entry = ddi.mem.u32(context + CTX_LAST);
  if (entry !== 0) ddi.ExFreePoolWithTag(entry, TAG);
  ddi.ExFreePoolWithTag(context, TAG);
}
