/**
 * Memory descriptor lists: the pages of a buffer, described (MmInitializeMdl, IoAllocateMdl), locked
 * (MmProbeAndLockPages), mapped into system space (MmMapLockedPagesSpecifyCache) and released.
 */
import { MDL } from '../../nt/io.ts';
import { IRP, MDL_LAYOUT } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../mm/address-space.ts';
import { TAG } from '../tags.ts';

const I = IRP.off;
const M = MDL_LAYOUT.off;

/** Pages spanned by [va, va+length): the PFN count of an MDL. */
export function addressAndSizeToSpanPages(va: number, length: number): number {
  if (length === 0) return 0;
  return ((va & (PAGE_SIZE - 1)) + length + PAGE_SIZE - 1) >>> 12;
}

/** PFN slots of an MDL from IoAllocateMdl's fixed-size lookaside. */
const IOP_FIXED_SIZE_MDL_PFNS = 23;

/** IoAllocateMdl refuses a length of 2 GiB or more, and an MDL that would exceed MAXUSHORT bytes. */
export function mdlRequestRefused(va: number, length: number): boolean {
  return (length & 0x80000000) !== 0 || mmSizeOfMdl(va, length) > 0xffff;
}

export function mmSizeOfMdl(va: number, length: number): number {
  return MDL_LAYOUT.size + 4 * addressAndSizeToSpanPages(va, length);
}

export class MdlManager {
  constructor(private readonly k: Kernel) {}
  // ---- MDLs --------------------------------------------------------------------------------

  /** MmInitializeMdl. */
  initializeMdl(mdl: number, va: number, length: number): void {
    const as = this.k.as;
    as.setU32(mdl + M.Next, 0);
    as.setU16(mdl + M.Size, mmSizeOfMdl(va, length));
    as.setU16(mdl + M.MdlFlags, 0);
    as.setU32(mdl + M.Process, 0);
    as.setU32(mdl + M.MappedSystemVa, 0);
    as.setU32(mdl + M.StartVa, (va & ~(PAGE_SIZE - 1)) >>> 0);
    as.setU32(mdl + M.ByteCount, length);
    as.setU32(mdl + M.ByteOffset, va & (PAGE_SIZE - 1));
  }

  /** IoAllocateMdl's work without the pool: attach to the IRP if asked. */
  attachMdl(mdl: number, secondary: boolean, irp: number): void {
    if (irp === 0) return;
    const as = this.k.as;
    if (!secondary) {
      as.setU32(irp + I.MdlAddress, mdl);
    } else {
      let m = as.u32(irp + I.MdlAddress);
      if (m === 0) as.setU32(irp + I.MdlAddress, mdl);
      else {
        while (as.u32(m + M.Next) !== 0) m = as.u32(m + M.Next);
        as.setU32(m + M.Next, mdl);
      }
    }
  }

  /** IoAllocateMdl: NULL for a length of 2 GiB or more, or an MDL larger than MAXUSHORT bytes. */
  allocateMdl(va: number, length: number, secondary: boolean, irp: number): number {
    if (mdlRequestRefused(va, length)) return 0;
    const pages = addressAndSizeToSpanPages(va, length);
    // Small MDLs come from a fixed-size lookaside with room for IOP_FIXED_SIZE_MDL_PFNS pages.
    const fixed = pages <= IOP_FIXED_SIZE_MDL_PFNS;
    const size = MDL_LAYOUT.size + 4 * (fixed ? IOP_FIXED_SIZE_MDL_PFNS : pages);
    if (size > 0xffff) return 0;
    const mdl = this.k.pool.allocate(POOL_TYPE.NonPagedPool, size, TAG.Mdl);
    if (mdl === 0) return 0;
    this.initializeMdl(mdl, va, length);
    if (fixed) this.k.as.setU16(mdl + M.MdlFlags, MDL.ALLOCATED_FIXED_SIZE);
    this.attachMdl(mdl, secondary, irp);
    return mdl;
  }

  /** MmBuildMdlForNonPagedPool: the buffer is already resident and mapped. */
  buildMdlForNonPagedPool(mdl: number): void {
    const as = this.k.as;
    const start = as.u32(mdl + M.StartVa);
    const pages = addressAndSizeToSpanPages(start + as.u32(mdl + M.ByteOffset), as.u32(mdl + M.ByteCount));
    for (let i = 0; i < pages; i++) as.setU32(mdl + MDL_LAYOUT.size + 4 * i, ((start >>> 12) + i) >>> 0);
    as.setU32(mdl + M.MappedSystemVa, start + as.u32(mdl + M.ByteOffset));
    as.setU16(mdl + M.MdlFlags, as.u16(mdl + M.MdlFlags) | MDL.SOURCE_IS_NONPAGED_POOL);
  }

  /** MmProbeAndLockPages for the simulated space: record PFNs and mark the MDL locked. */
  probeAndLockPages(mdl: number, write: boolean): void {
    const as = this.k.as;
    const start = as.u32(mdl + M.StartVa);
    const pages = addressAndSizeToSpanPages(start + as.u32(mdl + M.ByteOffset), as.u32(mdl + M.ByteCount));
    for (let i = 0; i < pages; i++) as.setU32(mdl + MDL_LAYOUT.size + 4 * i, ((start >>> 12) + i) >>> 0);
    as.setU16(mdl + M.MdlFlags, as.u16(mdl + M.MdlFlags) | MDL.PAGES_LOCKED | (write ? MDL.WRITE_OPERATION : 0));
  }

  /** MmUnlockPages: a system mapping of the MDL goes with the lock. */
  unlockPages(mdl: number): void {
    const as = this.k.as;
    as.setU16(mdl + M.MdlFlags, as.u16(mdl + M.MdlFlags) & ~(MDL.PAGES_LOCKED | MDL.MAPPED_TO_SYSTEM_VA));
  }

  /**
   * MmMapLockedPagesSpecifyCache into system space: one address space, so the mapping is the buffer
   * itself. A partial MDL is marked as mapped so IoFreeMdl unmaps it.
   */
  mapLockedPages(mdl: number): number {
    const as = this.k.as;
    const flags = as.u16(mdl + M.MdlFlags);
    const va = (as.u32(mdl + M.StartVa) + as.u32(mdl + M.ByteOffset)) >>> 0;
    as.setU32(mdl + M.MappedSystemVa, va);
    as.setU16(mdl + M.MdlFlags, flags | MDL.MAPPED_TO_SYSTEM_VA | (flags & MDL.PARTIAL ? MDL.PARTIAL_HAS_BEEN_MAPPED : 0));
    return va;
  }

  /** MmUnmapLockedPages of a system-space mapping. */
  unmapLockedPages(mdl: number): void {
    const as = this.k.as;
    as.setU16(mdl + M.MdlFlags, as.u16(mdl + M.MdlFlags) & ~(MDL.MAPPED_TO_SYSTEM_VA | MDL.PARTIAL_HAS_BEEN_MAPPED));
  }

  /**
   * IoBuildPartialMdl: `target` describes [va, va+length) of `source`'s buffer (length 0: the rest
   * of it), with the source's page numbers. It is MDL_PARTIAL; a source in nonpaged pool stays so,
   * and its system address carries over.
   */
  buildPartialMdl(source: number, target: number, va: number, length: number): void {
    const as = this.k.as;
    const sourceVa = (as.u32(source + M.StartVa) + as.u32(source + M.ByteOffset)) >>> 0;
    const offset = (va - sourceVa) >>> 0;
    const bytes = length === 0 ? as.u32(source + M.ByteCount) - offset : length;
    const targetSize = as.u16(target + M.Size);
    this.initializeMdl(target, va, bytes);
    as.setU16(target + M.Size, targetSize);
    const sourceFlags = as.u16(source + M.MdlFlags);
    const firstPage = ((va >>> 12) - (as.u32(source + M.StartVa) >>> 12)) >>> 0;
    const pages = addressAndSizeToSpanPages(va, bytes);
    for (let i = 0; i < pages; i++) as.setU32(target + MDL_LAYOUT.size + 4 * i, as.u32(source + MDL_LAYOUT.size + 4 * (firstPage + i)));
    as.setU16(target + M.MdlFlags, MDL.PARTIAL | (sourceFlags & (MDL.SOURCE_IS_NONPAGED_POOL | MDL.IO_SPACE | MDL.ALLOCATED_FIXED_SIZE)) | (as.u16(target + M.MdlFlags) & MDL.ALLOCATED_FIXED_SIZE));
    as.setU32(target + M.Process, as.u32(source + M.Process));
    if (sourceFlags & MDL.SOURCE_IS_NONPAGED_POOL) as.setU32(target + M.MappedSystemVa, va);
  }

  /** IoFreeMdl's work before the pool goes: a partial MDL that was mapped is unmapped. */
  releaseMdl(mdl: number): void {
    const as = this.k.as;
    if (as.u16(mdl + M.MdlFlags) & MDL.PARTIAL_HAS_BEEN_MAPPED) this.unmapLockedPages(mdl);
  }

  /**
   * The I/O manager's end of a request it built: unlock and free every MDL on the IRP's chain (its own,
   * and any IoAllocateMdl attached), as IopCompleteRequest does before freeing the IRP.
   */
  freeIrpMdls(irp: number): void {
    const as = this.k.as;
    for (let m = as.u32(irp + I.MdlAddress); m !== 0; ) {
      const next = as.u32(m + M.Next);
      this.unlockPages(m);
      this.k.pool.free(m, TAG.Mdl);
      m = next;
    }
  }

  /** MmGetSystemAddressForMdlSafe: one address space, so the mapping is the buffer itself. */
  systemAddressForMdl(mdl: number): number {
    const as = this.k.as;
    const flags = as.u16(mdl + M.MdlFlags);
    if (!(flags & (MDL.MAPPED_TO_SYSTEM_VA | MDL.SOURCE_IS_NONPAGED_POOL))) this.mapLockedPages(mdl);
    return as.u32(mdl + M.MappedSystemVa);
  }
}
