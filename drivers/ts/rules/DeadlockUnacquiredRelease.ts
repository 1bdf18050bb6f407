/**
 * DeadlockUnacquiredRelease: the driver keeps two spin locks, one for reads and one for writes.
 * RecordRead takes the read lock and, by a copy-and-paste slip, releases the write lock, which nobody
 * holds.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1007, Parameter 2 = the lock released (the write
 * lock), 3 and 4 = 0.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** Context block: the read lock, the write lock, the saved IRQL, the read count. */
const CTX_READ_LOCK = 0;
const CTX_WRITE_LOCK = 4;
const CTX_OLD_IRQL = 8;
const CTX_READS = 12;
const CTX_SIZE = 16;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolZero(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.KeInitializeSpinLock(context + CTX_READ_LOCK);
  ddi.KeInitializeSpinLock(context + CTX_WRITE_LOCK);
  ddi.DbgPrint(ddi.str('DeadlockUnacquiredRelease: lock=%p\n'), context + CTX_WRITE_LOCK);
  RecordRead();
  return STATUS.SUCCESS;
}

function RecordRead(): void {
  ddi.KeAcquireSpinLock(context + CTX_READ_LOCK, context + CTX_OLD_IRQL);
  ddi.mem.setU32(context + CTX_READS, ddi.mem.u32(context + CTX_READS) + 1);
  ddi.KeReleaseSpinLock(context + CTX_WRITE_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL)); // VIOLATION: the read lock was taken, not the write lock
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(context, TAG);
}
