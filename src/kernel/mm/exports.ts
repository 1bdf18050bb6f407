/** Memory manager DDIs: MDLs and address checks. */
import type { Kernel } from '../kernel.ts';
import { isAccessible } from './address-space.ts';
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
    MmProbeAndLockPages(MemoryDescriptorList: number, _AccessMode: number, Operation: number): void {
      k.io.mdl.probeAndLockPages(MemoryDescriptorList >>> 0, Operation !== 0);
    },
    /** MmProbeAndLockPages in the context of Process: one address space, so the same work. */
    MmProbeAndLockProcessPages(MemoryDescriptorList: number, _Process: number, _AccessMode: number, Operation: number): void {
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
