/**
 * UnlockPartialMdl: the driver builds a partial MDL for the first record of a locked buffer and,
 * when done with the record, unlocks the partial MDL. A partial MDL locks nothing of its own: the
 * pages belong to the source MDL, which is what must be unlocked.
 *
 * Driver Verifier: 0xC4 / 0xB4, Parameter 2 = the partial MDL, 3 = its flags (0x10, MDL_PARTIAL),
 * 4 = the unexpected flag (0x10).
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
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
  const record = ddi.IoAllocateMdl(buffer, 0x40, 0, 0, 0);
  ddi.DbgPrint(ddi.str('UnlockPartialMdl: partial=%p\n'), record);
  ddi.IoBuildPartialMdl(mdl, record, buffer, 0x40);
  ddi.MmUnlockPages(record); // VIOLATION: a partial MDL
  ddi.IoFreeMdl(record);
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return STATUS.SUCCESS;
}
