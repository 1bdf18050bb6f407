/** Memory manager DDIs: MDLs and address checks. */
import type { Kernel } from '../kernel.ts';
import { isAccessible } from './address-space.ts';
import { mmSizeOfMdl } from '../io/iomgr.ts';

export function mmExports(k: Kernel) {
  return {
    MmSizeOfMdl(Base: number, Length: number): number {
      return mmSizeOfMdl(Base >>> 0, Length >>> 0);
    },
    MmBuildMdlForNonPagedPool(MemoryDescriptorList: number): void {
      k.io.buildMdlForNonPagedPool(MemoryDescriptorList >>> 0);
    },
    /** Operation: IoReadAccess 0, IoWriteAccess 1, IoModifyAccess 2. */
    MmProbeAndLockPages(MemoryDescriptorList: number, _AccessMode: number, Operation: number): void {
      k.io.probeAndLockPages(MemoryDescriptorList >>> 0, Operation !== 0);
    },
    MmUnlockPages(MemoryDescriptorList: number): void {
      k.io.unlockPages(MemoryDescriptorList >>> 0);
    },
    MmGetSystemAddressForMdlSafe(Mdl: number, _Priority: number): number {
      return k.io.systemAddressForMdl(Mdl >>> 0);
    },
    MmIsAddressValid(VirtualAddress: number): number {
      return isAccessible(k.as.pageKind(VirtualAddress)) ? 1 : 0;
    },
  };
}
