/** The simulated address space: VaRegion (first-fit page runs with coalescing), AddressSpace, VA_MAP. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { AddressSpace, PAGE_SIZE, PageKind, VA_MAP, VaRegion, isAccessible } from '../../src/kernel/mm/address-space.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG, hex } from './support.ts';

const BASE = 0x10000000;
const P = PAGE_SIZE;
/** A 16-page region. */
const region = () => new VaRegion('Test', BASE, BASE + 16 * P);

test('pages are carved from the start of the region, in order', () => {
  const r = region();
  assert.equal(hex(r.allocatePages(2)!), hex(BASE));
  assert.equal(hex(r.allocatePages(3)!), hex(BASE + 2 * P));
  assert.equal(hex(r.allocatePages(1)!), hex(BASE + 5 * P));
  assert.ok(r.contains(BASE) && r.contains(BASE + 16 * P - 1));
  assert.ok(!r.contains(BASE + 16 * P) && !r.contains(BASE - 1));
});

test('first fit: a freed run is reused from its lowest address, and split when larger than the request', () => {
  const r = region();
  const a = r.allocatePages(3)!;
  r.allocatePages(1);
  r.freePages(a, 3);
  assert.equal(hex(r.allocatePages(1)!), hex(a));
  assert.equal(hex(r.allocatePages(2)!), hex(a + P), 'the rest of the split run');
  assert.equal(hex(r.allocatePages(1)!), hex(BASE + 4 * P), 'free run used up: back to fresh pages');
});

test('first fit takes the lowest run that is big enough, not the first freed', () => {
  const r = region();
  const small = r.allocatePages(1)!;
  r.allocatePages(1);
  const big = r.allocatePages(4)!;
  r.allocatePages(1);
  r.freePages(big, 4);
  r.freePages(small, 1);
  assert.equal(hex(r.allocatePages(1)!), hex(small), 'lowest address wins');
  assert.equal(hex(r.allocatePages(3)!), hex(big), 'too big for the 1-page hole: next run');
});

test('adjacent free runs coalesce whichever order they are freed in', () => {
  for (const order of [[0, 1, 2], [2, 1, 0], [0, 2, 1]]) {
    const r = region();
    const runs = [r.allocatePages(2)!, r.allocatePages(2)!, r.allocatePages(2)!];
    r.allocatePages(1); // keep the runs away from the unused tail
    for (const i of order) r.freePages(runs[i]!, 2);
    assert.equal(hex(r.allocatePages(6)!), hex(BASE), `freed in order ${order}: one 6-page run`);
  }
});

test('an exhausted region returns undefined until pages are freed', () => {
  const r = region();
  const a = r.allocatePages(10)!;
  r.allocatePages(6);
  assert.equal(r.allocatePages(1), undefined);
  r.freePages(a, 10);
  assert.equal(hex(r.allocatePages(10)!), hex(a));
});

test('a free run touching the never-used tail of the region merges with it', () => {
  // Pages [2, 16) are all free and contiguous, so a 14-page request must succeed.
  const r = region();
  r.allocatePages(2);
  const b = r.allocatePages(1)!;
  r.freePages(b, 1);
  assert.equal(hex(r.allocatePages(14) ?? 0), hex(BASE + 2 * P));
});

test('AddressSpace: little-endian scalars, strings, fill / copy / zero', () => {
  const as = new AddressSpace();
  const va = BASE;
  as.setU32(va, 0x11223344);
  assert.deepEqual([...as.read(va, 4)], [0x44, 0x33, 0x22, 0x11]);
  assert.equal(hex(as.u16(va + 2)), hex(0x1122));
  as.setU64(va + 8, -2n);
  assert.equal(as.u64(va + 8), 0xfffffffffffffffen);
  assert.equal(as.i32(va + 8), -2);
  as.writeUtf16(va + 0x20, 'NT\u00e9');
  assert.equal(as.utf16(va + 0x20, 3), 'NT\u00e9');
  as.write(va + 0x40, new TextEncoder().encode('abc\0def'));
  assert.equal(as.cstring(va + 0x40), 'abc');
  assert.equal(as.cstring(va + 0x40, 2), 'ab');
  as.fill(va + 0x50, 4, 0x7e);
  as.copy(va + 0x60, va + 0x50, 4);
  assert.equal(hex(as.u32(va + 0x60)), hex(0x7e7e7e7e));
  as.zero(va + 0x60, 2);
  assert.equal(hex(as.u32(va + 0x60)), hex(0x7e7e0000));
});

test('AddressSpace page map: setPages / pageKind; no-access, guard and freed pages are inaccessible', () => {
  const as = new AddressSpace();
  assert.equal(as.pageKind(BASE), PageKind.NoAccess);
  as.setPages(BASE, 2, PageKind.Pool);
  assert.equal(as.pageKind(BASE + P + 0xfff), PageKind.Pool);
  assert.equal(as.pageKind(BASE + 2 * P), PageKind.NoAccess);
  const accessible = [PageKind.Pool, PageKind.PagedPool, PageKind.SessionPool, PageKind.SpecialPool, PageKind.Image, PageKind.Stack];
  for (const kind of accessible) assert.equal(isAccessible(kind), true, `kind ${kind}`);
  for (const kind of [PageKind.NoAccess, PageKind.Guard, PageKind.Freed]) assert.equal(isAccessible(kind), false, `kind ${kind}`);
});

test('VA_MAP regions are page aligned and do not overlap', () => {
  const regions = Object.entries(VA_MAP).sort((a, b) => a[1].start - b[1].start);
  for (const [name, r] of regions) {
    assert.equal(r.start % P, 0, `${name} start`);
    assert.ok(r.end > r.start, name);
  }
  for (let i = 1; i < regions.length; i++) assert.ok(regions[i]![1].start >= regions[i - 1]![1].end, `${regions[i - 1]![0]} / ${regions[i]![0]}`);
});

test('big pool reuses freed virtual addresses first-fit, coalesced across blocks', () => {
  const k = new Kernel();
  const a = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * P, TAG);
  const b = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * P, TAG);
  assert.equal(hex(b), hex(a + 2 * P));
  k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, P + 8, TAG); // keeps the pair off the fresh tail
  k.ddi.ExFreePoolWithTag(a, TAG);
  assert.equal(hex(k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 2 * P, TAG)), hex(a), 'same size: same address');
  k.ddi.ExFreePoolWithTag(a, TAG);
  k.ddi.ExFreePoolWithTag(b, TAG);
  const c = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 4 * P, TAG);
  assert.equal(hex(c), hex(a), 'the two freed blocks coalesced into one 4-page run');
  assert.equal(k.ddi.MmIsAddressValid(c + 4 * P - 1), 1);
});
