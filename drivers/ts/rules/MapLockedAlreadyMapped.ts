/**
 * MapLockedAlreadyMapped: the locked buffer is mapped into system space once for the header and
 * once more for the data, with the same MDL. An MDL already mapped to system space must not be
 * mapped again.
 *
 * Driver Verifier: 0xC4 / 0xB2, Parameter 2 = the MDL, 3 = its flags (0x83: MAPPED_TO_SYSTEM_VA,
 * PAGES_LOCKED, WRITE_OPERATION), 4 = the incorrect flags (0x1).
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
  ddi.DbgPrint(ddi.str('MapLockedAlreadyMapped: mdl=%p\n'), mdl);
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
  const header = ddi.MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, 0, 0, NormalPagePriority);
  ddi.mem.setU32(header, 0x200);
  const data = MapData(mdl);
  ddi.mem.setU32(data + 4, 1);
  ddi.MmUnmapLockedPages(header, mdl);
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return STATUS.SUCCESS;
}

function MapData(mdl: number): number {
  return ddi.MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, 0, 0, NormalPagePriority); // VIOLATION: mapped already
}
