/**
 * MapLockedNotLocked: the driver maps a paged buffer's MDL into system space without probing and
 * locking its pages first. Only locked pages (or a partial MDL of locked ones) can be mapped.
 *
 * Driver Verifier: 0xC4 / 0xB3, Parameter 2 = the MDL, 3 = its flags (0), 4 = the flags of which
 * one is expected (0x12: PAGES_LOCKED, PARTIAL).
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KernelMode = 0;
const IoReadAccess = 0;
const IoWriteAccess = 1;
const MmCached = 1;
const NormalPagePriority = 16;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return Transfer();
}

function DriverUnload(_DriverObject: number): void {}

function Transfer(): number {
  const buffer = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x200, TAG);
  const mdl = ddi.IoAllocateMdl(buffer, 0x200, 0, 0, 0);
  ddi.DbgPrint(ddi.str('MapLockedNotLocked: mdl=%p\n'), mdl);
  const mapped = ddi.MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, 0, 0, NormalPagePriority); // VIOLATION: not locked
  ddi.mem.setU32(mapped, 1);
  ddi.MmUnmapLockedPages(mapped, mdl);
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return STATUS.SUCCESS;
}
