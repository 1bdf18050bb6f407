/**
 * mm's shadow of the address space (kernel/mm/shadow.ts): what each page state and each pool block
 * leaves in it, the exact test of a partial granule, the pending frees that keep a freed block
 * poisoned, the block a bad byte is named after, and a TypeScript driver's access through
 * DriverMemory getting MmAccessFault's stop. No verifier.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { SHADOW } from '../../src/kernel/mm/shadow.ts';
import { poolBlockAround } from '../../src/kernel/ex/pool-walk.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG, expectBugCheck, hex } from './support.ts';

test('page states: unmapped and guard pages are 0, mapped pages 8 (all 8 bytes of each granule)', () => {
  const k = new Kernel();
  assert.equal(k.as.shadow.at(0), SHADOW.noAccess, 'the NULL page');
  assert.equal(k.as.shadow.at(0x9f000000), SHADOW.noAccess, 'never mapped');
  const big = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * PAGE_SIZE, TAG);
  const paged = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 2 * PAGE_SIZE, TAG);
  assert.equal(k.as.shadow.at(big), SHADOW.accessible);
  assert.equal(k.as.shadow.at(paged), SHADOW.accessible, 'paged pool too: pageability is the page table\'s');
  k.ddi.ExFreePoolWithTag(big, TAG);
  assert.equal(k.as.shadow.at(big), SHADOW.noAccess, 'a freed whole-page block is unmapped');
  const stackGuard = [...Array(8).keys()].map((i) => VA_MAP.stacks.start + i * PAGE_SIZE).find((p) => k.as.pageKind(p) === PageKind.Guard)!;
  assert.equal(k.as.shadow.at(stackGuard), SHADOW.noAccess, "a stack's guard page");
});

test('a small block: its header poisoned, its bytes open, the end of its last granule partial, the rest of the page unowned', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x1d, TAG);
  assert.equal(k.as.shadow.at(p - 8), SHADOW.poolHeader);
  assert.equal(k.as.shadow.at(p), SHADOW.accessible);
  assert.equal(k.as.shadow.at(p + 0x18), 5, 'bytes 0x18..0x1c of the block: 5 of the granule');
  assert.equal(k.as.shadow.firstBad(p, 0x1d), -1, 'the whole block may be touched');
  assert.equal(k.as.shadow.firstBad(p + 0x19, 4), -1, 'an unaligned read of its last 4 bytes too');
  assert.equal(k.as.shadow.firstBad(p + 0x1a, 4), p + 0x1d, 'one byte further is past the end');
  assert.equal(k.as.shadow.codeOf(p + 0x1d), SHADOW.poolSlack);
  assert.equal(k.as.shadow.at(p + 0x20), SHADOW.poolHeader, 'after the block: pool no block owns yet');
  const q = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x20, TAG);
  assert.equal(q, p + 0x28, 'the next block follows');
  assert.equal(k.as.shadow.at(q - 8), SHADOW.poolHeader, 'its header is the first block\'s right redzone');
});

test('a whole-page block: the slack after it to the end of its pages is poisoned', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, PAGE_SIZE + 0x11, TAG);
  assert.equal(k.as.shadow.firstBad(p, PAGE_SIZE + 0x11), -1);
  assert.equal(k.as.shadow.firstBad(p + PAGE_SIZE + 0x10, 2), p + PAGE_SIZE + 0x11);
  assert.equal(k.as.shadow.at(p + PAGE_SIZE + 0x18), SHADOW.poolSlack);
  assert.equal(k.as.shadow.at(p + 2 * PAGE_SIZE - 8), SHADOW.poolSlack);
  assert.deepEqual(poolBlockAround(k.pool, k.as, p + PAGE_SIZE + 0x40)?.block.address, p, 'the slack is named after its block');
});

test('a freed block stays poisoned and unused through 256 more frees of its size; then it is reused', () => {
  const k = new Kernel();
  const first = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x30, TAG);
  k.ddi.ExFreePoolWithTag(first, TAG);
  assert.equal(k.as.shadow.at(first), SHADOW.poolFreed);
  const around = poolBlockAround(k.pool, k.as, first + 4)!;
  assert.equal(around.block.address, first);
  assert.equal(around.freed, true);
  const seen = new Set<number>();
  for (let i = 0; i < 256; i++) {
    const b = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x30, TAG);
    seen.add(b);
    k.ddi.ExFreePoolWithTag(b, TAG);
  }
  assert.ok(!seen.has(first), 'not reused while pending');
  assert.equal(k.as.shadow.at(first), SHADOW.poolFreed, 'still poisoned');
  let reused = false;
  for (let i = 0; i < 300 && !reused; i++) {
    const b = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x30, TAG);
    reused = b === first;
    k.ddi.ExFreePoolWithTag(b, TAG);
  }
  assert.ok(reused, 'reused once it left the pending frees');
});

test("a TypeScript driver's access through DriverMemory: a pool header is 0x1F2, an unmapped system address 0x50", () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x20, TAG);
  assert.equal(k.driverMemory.u32(p + 0x1c), 0, 'the last ULONG of the block reads');
  const bc = expectBugCheck(() => k.driverMemory.u8(p + 0x20), BUGCHECK.KASAN_ILLEGAL_ACCESS, [p + 0x20, 1, 0, SHADOW.poolHeader]);
  assert.deepEqual(k.crash?.memoryAccess?.block, { address: p, size: 0x20, tag: TAG, freed: false }, `the block is recorded (${hex(bc.code)})`);
  const k2 = new Kernel();
  expectBugCheck(() => k2.driverMemory.setU32(0x9f000000, 1), BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA, [0x9f000000, 1, 0, 0]);
});

test('Force IRQL checking: with trimming on, paged pool (and paged special pool) reads as no access while IRQL is DISPATCH_LEVEL or above', () => {
  const k = new Kernel();
  const early = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x20, TAG);
  k.as.shadow.enableTrimming(VA_MAP.trimmedShadow.start, k.as.accessiblePages());
  const paged = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x20, TAG);
  const nonpaged = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 0x20, TAG);
  const specialPaged = k.pool.allocateSpecial(POOL_TYPE.PagedPool, 0x20, TAG);
  assert.equal(k.as.shadow.firstBad(paged, 0x20), -1, 'at PASSIVE_LEVEL paged pool is there');
  k.prcb.irql = 2;
  assert.equal(k.as.shadow.trimmed, true);
  assert.equal(k.as.shadow.firstBad(paged, 0x20), paged, 'trimmed');
  assert.equal(k.as.shadow.firstBad(specialPaged, 0x20), specialPaged, 'a paged request in special pool is pageable too');
  assert.equal(k.as.shadow.firstBad(nonpaged, 0x20), -1, 'nonpaged pool stays');
  assert.equal(k.as.shadow.firstBad(early, 0x20), -1, 'and so does what was mapped before trimming began');
  assert.equal(k.as.shadow.firstBad(nonpaged + 0x20, 1), nonpaged + 0x20, 'with its redzones');
  expectBugCheck(() => k.driverMemory.u32(paged), BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL, [paged, 2, 0, 0]);
});

test('without trimming enabled, raising IRQL changes nothing', () => {
  const k = new Kernel();
  const paged = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 0x20, TAG);
  k.prcb.irql = 2;
  assert.equal(k.as.shadow.trimmed, false);
  assert.equal(k.driverMemory.u32(paged), 0);
});
