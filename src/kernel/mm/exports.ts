/** Memory manager DDIs: MDLs and address checks. */
import type { Kernel } from '../kernel.ts';
import { isAccessible, MM_USER_PROBE_ADDRESS, PAGE_SIZE } from './address-space.ts';
import { STATUS } from '../../nt/status.ts';
import { mmSizeOfMdl } from '../io/mdl.ts';
import { MDL_LAYOUT } from '../../nt/layout.ts';

export function mmExports(k: Kernel) {
  return {
    MmSizeOfMdl(Base: number, Length: number): number {
      return mmSizeOfMdl(Base >>> 0, Length >>> 0);
    },
    MmBuildMdlForNonPagedPool(MemoryDescriptorList: number): void {
      k.io.mdl.buildMdlForNonPagedPool(MemoryDescriptorList >>> 0);
    },
    /** Operation: IoReadAccess 0, IoWriteAccess 1, IoModifyAccess 2. */
    MmProbeAndLockPages(MemoryDescriptorList: number, AccessMode: number, Operation: number): void {
      probeUserPages(k, MemoryDescriptorList >>> 0, AccessMode);
      k.io.mdl.probeAndLockPages(MemoryDescriptorList >>> 0, Operation !== 0);
    },
    /** MmProbeAndLockPages in the context of Process: one address space, so the same work. */
    MmProbeAndLockProcessPages(MemoryDescriptorList: number, _Process: number, AccessMode: number, Operation: number): void {
      probeUserPages(k, MemoryDescriptorList >>> 0, AccessMode);
      k.io.mdl.probeAndLockPages(MemoryDescriptorList >>> 0, Operation !== 0);
    },
    MmUnlockPages(MemoryDescriptorList: number): void {
      k.io.mdl.unlockPages(MemoryDescriptorList >>> 0);
    },
    /** Map the MDL's locked pages; AccessMode KernelMode (0) maps into system space and marks the MDL mapped. */
    MmMapLockedPagesSpecifyCache(MemoryDescriptorList: number, AccessMode: number, _CacheType: number, _RequestedAddress: number, _BugCheckOnFailure: number, _Priority: number): number {
      const mdl = MemoryDescriptorList >>> 0;
      if (AccessMode !== 0) return (k.as.u32(mdl + MDL_LAYOUT.off.StartVa) + k.as.u32(mdl + MDL_LAYOUT.off.ByteOffset)) >>> 0;
      return k.io.mdl.mapLockedPages(mdl);
    },
    MmMapLockedPages(MemoryDescriptorList: number, AccessMode: number): number {
      const mdl = MemoryDescriptorList >>> 0;
      if (AccessMode !== 0) return (k.as.u32(mdl + MDL_LAYOUT.off.StartVa) + k.as.u32(mdl + MDL_LAYOUT.off.ByteOffset)) >>> 0;
      return k.io.mdl.mapLockedPages(mdl);
    },
    MmUnmapLockedPages(_BaseAddress: number, MemoryDescriptorList: number): void {
      k.io.mdl.unmapLockedPages(MemoryDescriptorList >>> 0);
    },
    MmGetSystemAddressForMdlSafe(Mdl: number, _Priority: number): number {
      return k.io.mdl.systemAddressForMdl(Mdl >>> 0);
    },
    MmIsAddressValid(VirtualAddress: number): number {
      return isAccessible(k.as.pageKind(VirtualAddress)) ? 1 : 0;
    },
  };
}

/**
 * MmProbeAndLockPages's probe of a caller's buffer (the reason its callers wrap it in __try): for a UserMode
 * probe the range must lie below MmUserProbeAddress, and a user page it covers must be there, else it raises
 * STATUS_ACCESS_VIOLATION. System-space MDLs lock as they did.
 */
function probeUserPages(k: Kernel, mdl: number, accessMode: number): void {
  const start = (k.as.u32(mdl + MDL_LAYOUT.off.StartVa) + k.as.u32(mdl + MDL_LAYOUT.off.ByteOffset)) >>> 0;
  const end = start + k.as.u32(mdl + MDL_LAYOUT.off.ByteCount);
  if (accessMode !== 0 && (end > MM_USER_PROBE_ADDRESS || end < start)) k.exceptions.raiseFromCaller(STATUS.ACCESS_VIOLATION);
  for (let page = start - (start % PAGE_SIZE); page < Math.min(end, MM_USER_PROBE_ADDRESS); page += PAGE_SIZE) {
    if (!isAccessible(k.as.pageKind(page))) k.exceptions.raiseFromCaller(STATUS.ACCESS_VIOLATION);
  }
}
