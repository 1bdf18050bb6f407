/**
 * UnmapNotMapped: the driver reads the locked buffer through its own address (it is system memory)
 * and never maps the MDL, but its cleanup unmaps it anyway.
 *
 * Driver Verifier: 0xC4 / 0xB6, Parameter 2 = the MDL, 3 = its flags (0x2, MDL_PAGES_LOCKED),
 * 4 = the missing flag (0x1, MDL_MAPPED_TO_SYSTEM_VA).
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
  ddi.DbgPrint(ddi.str('UnmapNotMapped: mdl=%p\n'), mdl);
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
  const value = ddi.mem.u32(buffer);
  Cleanup(mdl, buffer);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return value === 0 ? STATUS.SUCCESS : STATUS.UNSUCCESSFUL;
}

function Cleanup(mdl: number, buffer: number): void {
  ddi.MmUnmapLockedPages(buffer, mdl); // VIOLATION: the MDL was never mapped
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
}
