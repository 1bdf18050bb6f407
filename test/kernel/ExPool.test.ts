/** Executive pool: ExAllocatePool*, ExFreePool*, POOL_HEADER, BAD_POOL_CALLER (0xC2). No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { POOL_FLAG, POOL_TYPE, TAG_NONE, poolTag } from '../../src/nt/pool.ts';
import { TAG, expectBugCheck, hex } from './support.ts';

/** x86 POOL_HEADER, 8 bytes before a small block: PreviousSize:9 PoolIndex:7 BlockSize:9 PoolType:7, then PoolTag. */
function header(k: Kernel, block: number) {
  const word = k.as.u32(block - 8);
  return { word, blockSize: (word >>> 16) & 0x1ff, poolType: word >>> 25, tag: k.as.u32(block - 4) };
}

const inRegion = (a: number, r: { start: number; end: number }) => a >= r.start && a < r.end;

test('small nonpaged block: 8-byte aligned, nonpaged pool page, POOL_HEADER with size, type+1 and tag', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x40, TAG);
  assert.notEqual(p, 0);
  assert.equal(p % 8, 0, `block ${hex(p)} is 8-byte aligned`);
  assert.ok(inRegion(p, VA_MAP.nonPagedPool), `${hex(p)} is in nonpaged pool`);
  assert.equal(k.as.pageKind(p), PageKind.Pool);
  const h = header(k, p);
  assert.equal(h.blockSize, (0x40 + 8) / 8, 'BlockSize counts 8-byte units including the header');
  assert.equal(h.poolType, POOL_TYPE.NonPagedPool + 1, 'an allocated block stores PoolType + 1');
  assert.equal(hex(h.tag), hex(TAG));
});

test('PagedPool allocations come from paged pool and record PoolType PagedPool + 1', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x18, TAG);
  assert.ok(inRegion(p, VA_MAP.pagedPool), `${hex(p)} is in paged pool`);
  assert.equal(k.as.pageKind(p), PageKind.PagedPool);
  assert.equal(header(k, p).poolType, POOL_TYPE.PagedPool + 1);
});

test('a request larger than a page less the header is page aligned (big pool) and freeing it unmaps it', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, PAGE_SIZE + 0x10, TAG);
  assert.equal(p & (PAGE_SIZE - 1), 0, `${hex(p)} is page aligned`);
  assert.equal(k.ddi.MmIsAddressValid(p + PAGE_SIZE + 0xf), 1, 'second page is mapped');
  k.ddi.ExFreePoolWithTag(p, TAG);
  assert.equal(k.ddi.MmIsAddressValid(p), 0, 'freed big pool pages are no longer valid');
});

test('ExAllocatePool2 zeroes the block, even when it reuses a dirty one, and honours PAGED / NON_PAGED', () => {
  const k = new Kernel();
  const a = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 0x30, TAG);
  k.as.fill(a, 0x30, 0xcc);
  k.ddi.ExFreePoolWithTag(a, TAG);
  const b = k.ddi.ExAllocatePool2(POOL_FLAG.NON_PAGED, 0x30, TAG);
  assert.ok(inRegion(b, VA_MAP.nonPagedPool));
  assert.deepEqual([...k.as.read(b, 0x30)], new Array(0x30).fill(0), 'POOL_FLAG_UNINITIALIZED not given: zeroed');
  const c = k.ddi.ExAllocatePool2(POOL_FLAG.PAGED, 0x30, TAG);
  assert.ok(inRegion(c, VA_MAP.pagedPool), `${hex(c)} is in paged pool`);
});

test("ExAllocatePool tags the block 'None'", () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePool(POOL_TYPE.NonPagedPool, 0x10);
  assert.equal(hex(header(k, p).tag), hex(TAG_NONE));
  assert.equal(hex(TAG_NONE), hex(poolTag('None')));
});

test('ExFreePoolWithTag marks the header free (PoolType 0) and keeps BlockSize', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x20, TAG);
  const before = header(k, p);
  k.ddi.ExFreePoolWithTag(p, TAG);
  const after = header(k, p);
  assert.equal(after.poolType, 0);
  assert.equal(after.blockSize, before.blockSize);
});

test('double free -> BAD_POOL_CALLER 0x07 (P3 = pool header contents, P4 = the block)', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x40, TAG);
  k.ddi.ExFreePoolWithTag(p, TAG);
  const contents = k.as.u32(p - 8);
  expectBugCheck(() => k.ddi.ExFreePoolWithTag(p, TAG), BUGCHECK.BAD_POOL_CALLER, [0x07, 0, contents, p]);
  assert.ok(k.halted);
});

test('double free of a big-pool block (page aligned, no POOL_HEADER) -> 0xC2/0x07 with P3 = 0', () => {
  // The 8 bytes before a page-aligned block belong to the previous page: there is no header to report.
  const k = new Kernel();
  const before = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * PAGE_SIZE, TAG);
  k.as.fill(before, 2 * PAGE_SIZE, 0xaa);
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * PAGE_SIZE, TAG);
  assert.equal(hex(p), hex(before + 2 * PAGE_SIZE), 'the previous page is live and holds data');
  k.ddi.ExFreePoolWithTag(p, TAG);
  expectBugCheck(() => k.ddi.ExFreePoolWithTag(p, TAG), BUGCHECK.BAD_POOL_CALLER, [0x07, 0, 0, p]);
});

test('freeing with the wrong tag -> BAD_POOL_CALLER 0x0A (address, allocation tag, tag used)', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x40, TAG);
  const wrong = poolTag('oops');
  expectBugCheck(() => k.ddi.ExFreePoolWithTag(p, wrong), BUGCHECK.BAD_POOL_CALLER, [0x0a, p, TAG, wrong]);
});

test('ExFreePool does not check the tag', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x40, TAG);
  k.ddi.ExFreePool(p);
  assert.equal(header(k, p).poolType, 0, 'block is free');
  assert.equal(k.pool.block(p), undefined);
});

test('freeing an address no allocation returned -> BAD_POOL_CALLER 0x46 (P2 = the address)', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x40, TAG);
  expectBugCheck(() => k.ddi.ExFreePool(p + 8), BUGCHECK.BAD_POOL_CALLER, [0x46, p + 8, 0, 0]);
});

test('zero-byte request -> BAD_POOL_CALLER 0x00 (P3 = pool type, P4 = tag)', () => {
  const k = new Kernel();
  expectBugCheck(() => k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0, TAG), BUGCHECK.BAD_POOL_CALLER, [0x00, 0, POOL_TYPE.PagedPool, TAG]);
});

test('tag 0 -> BAD_POOL_CALLER 0x9B (pool type, bytes, caller; no driver frame here so caller 0)', () => {
  const k = new Kernel();
  expectBugCheck(() => k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x24, 0), BUGCHECK.BAD_POOL_CALLER, [0x9b, POOL_TYPE.NonPagedPool, 0x24, 0]);
});
