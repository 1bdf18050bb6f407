/**
 * ProbeAndLockProcessWrongFlags: Prepare() locks the buffer's pages, and Start() locks them again
 * in the process's context with MmProbeAndLockProcessPages: an MDL whose pages are already locked
 * must not be probed and locked a second time.
 *
 * Driver Verifier: 0xC4 / 0xB1, Parameter 2 = the MDL, 3 = its flags (0x2, MDL_PAGES_LOCKED),
 * 4 = the incorrect flags (0x2).
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
  ddi.DbgPrint(ddi.str('ProbeAndLockProcessWrongFlags: mdl=%p\n'), mdl);
  Prepare(mdl);
  Start(mdl);
  ddi.MmUnlockPages(mdl);
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  return STATUS.SUCCESS;
}

function Prepare(mdl: number): void {
  ddi.MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
}

function Start(mdl: number): void {
  ddi.MmProbeAndLockProcessPages(mdl, ddi.PsGetCurrentProcess(), KernelMode, IoReadAccess); // VIOLATION: locked already
}
