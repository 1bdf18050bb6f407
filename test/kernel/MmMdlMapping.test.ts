/** MDL mapping: IoBuildPartialMdl, MmMapLockedPages(SpecifyCache), MmUnmapLockedPages, MmProbeAndLockProcessPages. No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE } from '../../src/kernel/mm/address-space.ts';
import { MDL } from '../../src/nt/io.ts';
import { MDL_LAYOUT } from '../../src/nt/layout.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG, hex } from './support.ts';

const M = MDL_LAYOUT.off;
const KernelMode = 0;
const MmCached = 1;
const flags = (k: Kernel, mdl: number) => k.as.u16(mdl + M.MdlFlags) & ~MDL.ALLOCATED_FIXED_SIZE;
const pfn = (k: Kernel, mdl: number, i: number) => k.as.u32(mdl + MDL_LAYOUT.size + 4 * i);

function lockedMdl(k: Kernel, type = POOL_TYPE.PagedPool): { mdl: number; va: number } {
  const va = k.ddi.ExAllocatePoolWithTag(type, 3 * PAGE_SIZE, TAG) + 0x100;
  const mdl = k.ddi.IoAllocateMdl(va, 2 * PAGE_SIZE, 0, 0, 0);
  k.ddi.MmProbeAndLockPages(mdl, KernelMode, 1);
  return { mdl, va };
}

test('MmMapLockedPagesSpecifyCache maps into system space: MappedSystemVa and MDL_MAPPED_TO_SYSTEM_VA; unmap clears it', () => {
  const k = new Kernel();
  const { mdl, va } = lockedMdl(k);
  const mapped = k.ddi.MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, 0, 0, 16);
  assert.equal(hex(mapped), hex(va), 'one address space: the mapping is the buffer');
  assert.equal(hex(k.as.u32(mdl + M.MappedSystemVa)), hex(va));
  assert.equal(hex(flags(k, mdl)), hex(MDL.PAGES_LOCKED | MDL.WRITE_OPERATION | MDL.MAPPED_TO_SYSTEM_VA));
  k.ddi.MmUnmapLockedPages(mapped, mdl);
  assert.equal(hex(flags(k, mdl)), hex(MDL.PAGES_LOCKED | MDL.WRITE_OPERATION));
  assert.equal(hex(k.ddi.MmMapLockedPages(mdl, KernelMode)), hex(va));
  k.ddi.MmUnlockPages(mdl);
  assert.equal(flags(k, mdl) & (MDL.MAPPED_TO_SYSTEM_VA | MDL.PAGES_LOCKED), 0, 'unlock takes the mapping with it');
});

test('IoBuildPartialMdl describes part of the source buffer with its page numbers, MDL_PARTIAL', () => {
  const k = new Kernel();
  const { mdl, va } = lockedMdl(k);
  const part = k.ddi.IoAllocateMdl(va + PAGE_SIZE, 0x80, 0, 0, 0);
  k.ddi.IoBuildPartialMdl(mdl, part, va + PAGE_SIZE, 0x80);
  assert.equal(hex(flags(k, part)), hex(MDL.PARTIAL));
  assert.equal(hex(k.as.u32(part + M.StartVa)), hex((va + PAGE_SIZE) & ~0xfff));
  assert.equal(hex(k.as.u32(part + M.ByteOffset)), hex((va + PAGE_SIZE) & 0xfff));
  assert.equal(k.as.u32(part + M.ByteCount), 0x80);
  assert.equal(hex(pfn(k, part, 0)), hex(pfn(k, mdl, 1)), "the source's second page");
  const mapped = k.ddi.MmMapLockedPagesSpecifyCache(part, KernelMode, MmCached, 0, 0, 16);
  assert.equal(hex(mapped), hex(va + PAGE_SIZE));
  assert.equal(hex(flags(k, part)), hex(MDL.PARTIAL | MDL.MAPPED_TO_SYSTEM_VA | MDL.PARTIAL_HAS_BEEN_MAPPED));
  k.ddi.IoFreeMdl(part);
  assert.equal(k.pool.block(part), undefined);
});

test('a partial MDL of an MDL built for nonpaged pool is nonpaged pool too, already mapped; Length 0 takes the rest', () => {
  const k = new Kernel();
  const va = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x400, TAG);
  const mdl = k.ddi.IoAllocateMdl(va, 0x400, 0, 0, 0);
  k.ddi.MmBuildMdlForNonPagedPool(mdl);
  const part = k.ddi.IoAllocateMdl(va + 0x100, 0x300, 0, 0, 0);
  k.ddi.IoBuildPartialMdl(mdl, part, va + 0x100, 0);
  assert.equal(hex(flags(k, part)), hex(MDL.PARTIAL | MDL.SOURCE_IS_NONPAGED_POOL));
  assert.equal(k.as.u32(part + M.ByteCount), 0x300);
  assert.equal(hex(k.as.u32(part + M.MappedSystemVa)), hex(va + 0x100));
  assert.equal(hex(k.ddi.MmGetSystemAddressForMdlSafe(part, 16)), hex(va + 0x100));
});

test('MmProbeAndLockProcessPages locks as MmProbeAndLockPages does', () => {
  const k = new Kernel();
  const va = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x100, TAG);
  const mdl = k.ddi.IoAllocateMdl(va, 0x100, 0, 0, 0);
  k.ddi.MmProbeAndLockProcessPages(mdl, k.systemProcess.address, KernelMode, 0);
  assert.equal(hex(flags(k, mdl)), hex(MDL.PAGES_LOCKED));
});
