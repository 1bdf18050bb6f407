/**
 * Special pool (Mm): a block at the end of its own page, a guard page after it, slack checked at free, no-access
 * after free. Blocks are placed with ExPool.allocateSpecial (what the verifier calls); every touch goes through the
 * checked accessor driver code gets, `k.driverMemory`. No verifier.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { SPECIAL_POOL_PATTERN } from '../../src/kernel/mm/special-pool.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG, expectBugCheck, hex } from './support.ts';

const pageOf = (a: number) => (a & ~(PAGE_SIZE - 1)) >>> 0;
const pageEnd = (a: number) => pageOf(a) + PAGE_SIZE;

function special(k: Kernel, size: number): number {
  const a = k.pool.allocateSpecial(POOL_TYPE.NonPagedPool, size, TAG);
  assert.notEqual(a, 0, 'special pool allocation');
  return a;
}

test('a block whose size is a multiple of 8 ends exactly at its page end, followed by a guard page', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  assert.ok(a >= VA_MAP.specialPool.start && a < VA_MAP.specialPool.end, `${hex(a)} in special pool`);
  assert.equal(hex(a + 0x40), hex(pageEnd(a)));
  assert.equal(k.as.pageKind(a), PageKind.SpecialPool);
  assert.equal(k.as.pageKind(pageEnd(a)), PageKind.Guard);
  assert.equal(k.ddi.MmIsAddressValid(pageEnd(a)), 0);
  assert.equal(k.pool.block(a)!.special, true);
});

test('an odd-sized block stays 8-byte aligned; the slack around it holds the special pool pattern', () => {
  const k = new Kernel();
  const a = special(k, 13);
  assert.equal(a % 8, 0);
  assert.equal(hex(a), hex(pageEnd(a) - 16), 'as close to the page end as alignment allows');
  assert.deepEqual([...k.as.read(a + 13, 3)], [SPECIAL_POOL_PATTERN, SPECIAL_POOL_PATTERN, SPECIAL_POOL_PATTERN]);
  assert.equal(k.as.u8(a - 1), SPECIAL_POOL_PATTERN);
});

test('the whole block is usable through the checked accessor', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  k.driverMemory.fill(a, 0x40, 0xab);
  assert.equal(k.driverMemory.u32(a + 0x3c), 0xabababab);
  assert.equal(k.halted, false);
});

test('reading the first byte past the block -> 0xD6 (address, 0 = read, caller 0, 0)', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  expectBugCheck(() => k.driverMemory.u8(a + 0x40), BUGCHECK.DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION, [a + 0x40, 0, 0, 0]);
});

test('a write straddling the block end faults at the first guard-page byte -> 0xD6 (P2 = 1, write)', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  expectBugCheck(() => k.driverMemory.setU32(a + 0x3e, 0), BUGCHECK.DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION, [pageEnd(a), 1, 0, 0]);
});

test('any touch after free -> 0xD5 (address, read/write, caller 0, 0)', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  k.ddi.ExFreePoolWithTag(a, TAG);
  assert.equal(k.as.pageKind(a), PageKind.Freed);
  expectBugCheck(() => k.driverMemory.setU32(a + 4, 1), BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL, [a + 4, 1, 0, 0]);
  const k2 = new Kernel();
  const b = special(k2, 0x40);
  k2.ddi.ExFreePoolWithTag(b, TAG);
  expectBugCheck(() => k2.driverMemory.u32(b), BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL, [b, 0, 0, 0]);
});

test('freed pages are not handed out again at once: a later block lands elsewhere and the old one still faults', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  k.ddi.ExFreePoolWithTag(a, TAG);
  const b = special(k, 0x40);
  assert.notEqual(hex(pageOf(b)), hex(pageOf(a)));
  expectBugCheck(() => k.driverMemory.u8(a), BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL, [a, 0, 0, 0]);
});

test('an underrun into the slack before the block is found at free -> 0xC1 subclass 0x23', () => {
  const k = new Kernel();
  const a = special(k, 0x40);
  k.driverMemory.setU8(a - 1, 0); // same page: the MMU cannot see it
  assert.equal(k.halted, false);
  expectBugCheck(() => k.ddi.ExFreePoolWithTag(a, TAG), BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, [a, a - 1, 0, 0x23]);
});

test('an overrun into the slack after an odd-sized block is found at free -> 0xC1 subclass 0x24', () => {
  const k = new Kernel();
  const a = special(k, 13);
  k.driverMemory.setU8(a + 13, 0x11); // past the 13 bytes, before the page end
  assert.equal(k.halted, false);
  expectBugCheck(() => k.ddi.ExFreePoolWithTag(a, TAG), BUGCHECK.SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, [a, a + 13, 0, 0x24]);
});

test('a clean free of special pool raises nothing', () => {
  const k = new Kernel();
  const a = special(k, 13);
  k.driverMemory.fill(a, 13, 0xff);
  k.ddi.ExFreePoolWithTag(a, TAG);
  assert.equal(k.halted, false);
  assert.equal(k.pool.block(a), undefined);
});

test('a request that does not fit one page with its header is not placed in special pool', () => {
  const k = new Kernel();
  assert.equal(k.pool.allocateSpecial(POOL_TYPE.NonPagedPool, PAGE_SIZE, TAG), 0);
  assert.notEqual(k.pool.allocateSpecial(POOL_TYPE.NonPagedPool, PAGE_SIZE - 16, TAG), 0);
});

test('a driver touch of memory that was never mapped -> PAGE_FAULT_IN_NONPAGED_AREA 0x50', () => {
  const k = new Kernel();
  const wild = VA_MAP.specialPool.end - 0x10;
  expectBugCheck(() => k.driverMemory.setU8(wild, 1), BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA, [wild, 1, 0, 0]);
});
