/**
 * ProbeAndLockWrongFlags: the buffer is nonpaged pool and its MDL was built with
 * MmBuildMdlForNonPagedPool; the driver then also probes and locks it "to be safe". An MDL built
 * for nonpaged pool describes resident memory and must never be probed and locked.
 *
 * Driver Verifier: 0xC4 / 0xB0, Parameter 2 = the MDL, 3 = its flags (0x4,
 * MDL_SOURCE_IS_NONPAGED_POOL), 4 = the incorrect flags (0x4).
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
  const buffer = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 0x200, TAG);
  const mdl = ddi.IoAllocateMdl(buffer, 0x200, 0, 0, 0);
  ddi.DbgPrint(ddi.str('ProbeAndLockWrongFlags: mdl=%p\n'), mdl);
  ddi.MmBuildMdlForNonPagedPool(mdl);
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess); // VIOLATION: an MDL built for nonpaged pool
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return STATUS.SUCCESS;
}
