/** MDLs: IoAllocateMdl, MmBuildMdlForNonPagedPool, MmProbeAndLockPages, MmGetSystemAddressForMdlSafe, IoFreeMdl. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE } from '../../src/kernel/mm/address-space.ts';
import { MDL } from '../../src/nt/io.ts';
import { IRP, MDL_LAYOUT } from '../../src/nt/layout.ts';
import { POOL_TYPE, poolTag } from '../../src/nt/pool.ts';
import { TAG, hex } from './support.ts';

const M = MDL_LAYOUT.off;
const IoReadAccess = 0;
const IoWriteAccess = 1;
const flags = (k: Kernel, mdl: number) => k.as.u16(mdl + M.MdlFlags);
const pfns = (k: Kernel, mdl: number, n: number) => Array.from({ length: n }, (_, i) => k.as.u32(mdl + MDL_LAYOUT.size + 4 * i));

/** A nonpaged buffer that starts 0x234 bytes into a page and spans two pages. */
function buffer(k: Kernel): { va: number; length: number } {
  const base = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * PAGE_SIZE, TAG);
  return { va: base + 0x234, length: PAGE_SIZE };
}

test('MmSizeOfMdl: the MDL header plus one PFN per page spanned', () => {
  const k = new Kernel();
  assert.equal(MDL_LAYOUT.size, 0x1c);
  assert.equal(k.ddi.MmSizeOfMdl(0x84001000, 0x1000), 0x1c + 4);
  assert.equal(k.ddi.MmSizeOfMdl(0x84001ff0, 0x20), 0x1c + 8, 'crosses a page boundary');
  assert.equal(k.ddi.MmSizeOfMdl(0x84001000, 0x3001), 0x1c + 16);
});

test('IoAllocateMdl fills the header: StartVa page aligned, ByteOffset, ByteCount, Size; nothing locked or mapped', () => {
  const k = new Kernel();
  const { va, length } = buffer(k);
  const mdl = k.ddi.IoAllocateMdl(va, length, 0, 0, 0);
  assert.notEqual(mdl, 0);
  assert.equal(k.as.u32(mdl + M.Next), 0);
  assert.equal(k.as.u16(mdl + M.Size), k.ddi.MmSizeOfMdl(va, length));
  assert.equal(hex(k.as.u32(mdl + M.StartVa)), hex(va & ~(PAGE_SIZE - 1)));
  assert.equal(hex(k.as.u32(mdl + M.ByteOffset)), hex(0x234));
  assert.equal(hex(k.as.u32(mdl + M.ByteCount)), hex(length));
  assert.equal(k.as.u32(mdl + M.Process), 0);
  assert.equal(k.as.u32(mdl + M.MappedSystemVa), 0);
  assert.equal(flags(k, mdl) & ~MDL.ALLOCATED_FIXED_SIZE, 0, 'no PAGES_LOCKED / MAPPED_TO_SYSTEM_VA / SOURCE_IS_NONPAGED_POOL');
  assert.equal(hex(k.pool.block(mdl)!.tag), hex(poolTag('Mdl ')), "nonpaged pool, tag 'Mdl '");
});

test('IoAllocateMdl marks a small MDL MDL_ALLOCATED_FIXED_SIZE', () => {
  // WRK IoAllocateMdl: up to IOP_FIXED_SIZE_MDL_PFNS (23) pages the MDL comes from the fixed-size lookaside and
  // MdlFlags |= MDL_ALLOCATED_FIXED_SIZE after MmInitializeMdl.
  const k = new Kernel();
  const { va, length } = buffer(k);
  const mdl = k.ddi.IoAllocateMdl(va, length, 0, 0, 0);
  assert.equal(hex(flags(k, mdl)), hex(MDL.ALLOCATED_FIXED_SIZE));
});

test('IoAllocateMdl fails for a length of 2 GiB or more, or when the MDL would exceed MAXUSHORT bytes', () => {
  // WRK IoAllocateMdl: `if (Length & 0x80000000) return NULL;` and `if (allocateSize > MAXUSHORT) return NULL;`.
  const k = new Kernel();
  const va = 0x84000000;
  assert.equal(k.ddi.IoAllocateMdl(va, 0x80000000, 0, 0, 0), 0);
  assert.equal(k.ddi.IoAllocateMdl(va, 0x4000000, 0, 0, 0), 0, '16384 PFNs: 0x1c + 0x10000 bytes');
});

test('IoAllocateMdl with an IRP: the first MDL becomes Irp->MdlAddress, secondary buffers chain through Next', () => {
  const k = new Kernel();
  const irp = k.ddi.IoAllocateIrp(1, 0);
  const { va } = buffer(k);
  const a = k.ddi.IoAllocateMdl(va, 0x10, 0, 0, irp);
  const b = k.ddi.IoAllocateMdl(va + 0x10, 0x10, 1, 0, irp);
  const c = k.ddi.IoAllocateMdl(va + 0x20, 0x10, 1, 0, irp);
  assert.equal(hex(k.as.u32(irp + IRP.off.MdlAddress)), hex(a));
  assert.equal(hex(k.as.u32(a + M.Next)), hex(b));
  assert.equal(hex(k.as.u32(b + M.Next)), hex(c));
  assert.equal(k.as.u32(c + M.Next), 0);
});

test('MmBuildMdlForNonPagedPool: SOURCE_IS_NONPAGED_POOL, MappedSystemVa = the buffer, one PFN per page', () => {
  const k = new Kernel();
  const { va, length } = buffer(k);
  const mdl = k.ddi.IoAllocateMdl(va, length, 0, 0, 0);
  k.ddi.MmBuildMdlForNonPagedPool(mdl);
  assert.equal(hex(flags(k, mdl) & ~MDL.ALLOCATED_FIXED_SIZE), hex(MDL.SOURCE_IS_NONPAGED_POOL));
  assert.equal(hex(k.as.u32(mdl + M.MappedSystemVa)), hex(va));
  const first = (va >>> 12) >>> 0; // the simulator maps physical = virtual
  assert.deepEqual(pfns(k, mdl, 2).map(hex), [first, first + 1].map(hex));
});

test('MmGetSystemAddressForMdlSafe on a nonpaged-pool MDL returns MappedSystemVa without mapping anything', () => {
  const k = new Kernel();
  const { va, length } = buffer(k);
  const mdl = k.ddi.IoAllocateMdl(va, length, 0, 0, 0);
  k.ddi.MmBuildMdlForNonPagedPool(mdl);
  assert.equal(hex(k.ddi.MmGetSystemAddressForMdlSafe(mdl, 16 /* NormalPagePriority */)), hex(va));
  assert.equal(flags(k, mdl) & MDL.MAPPED_TO_SYSTEM_VA, 0);
});

test('MmProbeAndLockPages locks (WRITE_OPERATION for write access); the system mapping sees the buffer; MmUnlockPages undoes it', () => {
  const k = new Kernel();
  const user = k.allocateUser(0x100);
  k.as.fill(user, 0x100, 0x5a);
  const reader = k.ddi.IoAllocateMdl(user, 0x100, 0, 0, 0);
  k.ddi.MmProbeAndLockPages(reader, 1 /* UserMode */, IoReadAccess);
  assert.equal(flags(k, reader) & (MDL.PAGES_LOCKED | MDL.WRITE_OPERATION), MDL.PAGES_LOCKED);
  const mdl = k.ddi.IoAllocateMdl(user, 0x100, 0, 0, 0);
  k.ddi.MmProbeAndLockPages(mdl, 1, IoWriteAccess);
  assert.equal(flags(k, mdl) & (MDL.PAGES_LOCKED | MDL.WRITE_OPERATION), MDL.PAGES_LOCKED | MDL.WRITE_OPERATION);
  const system = k.ddi.MmGetSystemAddressForMdlSafe(mdl, 16);
  assert.notEqual(system, 0);
  assert.equal(flags(k, mdl) & MDL.MAPPED_TO_SYSTEM_VA, MDL.MAPPED_TO_SYSTEM_VA);
  assert.equal(hex(k.as.u32(mdl + M.MappedSystemVa)), hex(system));
  assert.equal(k.as.u8(system + 0xff), 0x5a);
  k.as.setU8(system, 0x77);
  assert.equal(k.as.u8(user), 0x77, 'the mapping and the user buffer are the same pages');
  k.ddi.MmUnlockPages(mdl);
  assert.equal(flags(k, mdl) & (MDL.PAGES_LOCKED | MDL.MAPPED_TO_SYSTEM_VA), 0);
});

test('IoFreeMdl returns the MDL to pool', () => {
  const k = new Kernel();
  const { va } = buffer(k);
  const mdl = k.ddi.IoAllocateMdl(va, 0x40, 0, 0, 0);
  assert.ok(k.pool.block(mdl));
  k.ddi.IoFreeMdl(mdl);
  assert.equal(k.pool.block(mdl), undefined);
});
