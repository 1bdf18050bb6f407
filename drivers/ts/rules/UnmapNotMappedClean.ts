/** UnmapNotMappedClean: the cleanup unmaps only what it mapped. */
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

let mapped = 0;

function Transfer(): number {
  const buffer = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x200, TAG);
  const mdl = ddi.IoAllocateMdl(buffer, 0x200, 0, 0, 0);
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
  const value = ddi.mem.u32(buffer);
  Cleanup(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return value === 0 ? STATUS.SUCCESS : STATUS.UNSUCCESSFUL;
}

function Cleanup(mdl: number): void {
  if (mapped !== 0) ddi.MmUnmapLockedPages(mapped, mdl);
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
}
