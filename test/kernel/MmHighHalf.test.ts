/**
 * The fast paths of issue 13's IRP work: AddressSpace's fills and copies through the view of the kernel
 * half (mm/address-space.ts) against a plain model, on both sides of 2^31 and across it; VaRegion's
 * tail fast path against the general one; AddressTable.clear.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressSpace, PAGE_SIZE, PageKind, VaRegion } from '../../src/kernel/mm/address-space.ts';
import { HIGH_HALF } from '../../src/kernel/mm/address-space.ts';
import { AddressSet } from '../../src/kernel/rtl/address-table.ts';

/** Deterministic bytes. */
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('zero, fill, write, copy and read land on the same bytes below, above and across 2^31', () => {
  const as = new AddressSpace();
  // A window of 64 KiB around each place, mirrored in a plain array.
  for (const base of [0x10000000, HIGH_HALF - 0x8000, HIGH_HALF + 0x4000000, 0xa0001000]) {
    const model = new Uint8Array(0x10000);
    const check = (what: string) => assert.deepEqual(as.read(base, model.length), model, `${what} at 0x${base.toString(16)}`);
    as.write(base, pattern(0x10000, 1));
    model.set(pattern(0x10000, 1));
    check('write');
    as.fill(base + 0x7ff0, 0x40, 0xab); // straddles 2^31 for the second base
    model.fill(0xab, 0x7ff0, 0x8030);
    check('fill');
    as.zero(base + 0x100, 0x9000);
    model.fill(0, 0x100, 0x9100);
    check('zero');
    as.copy(base + 0x7f00, base + 0x20, 0x300);
    model.copyWithin(0x7f00, 0x20, 0x320);
    check('copy');
    as.copy(base + 0xa000, base + 0x7fe0, 0x80);
    model.copyWithin(0xa000, 0x7fe0, 0x8060);
    check('copy from across');
    assert.deepEqual(as.read(base + 0x7ffc, 8), model.slice(0x7ffc, 0x8004), 'a read of 8 bytes');
  }
});

test('the shadow marks the same granules through the view: poison and unpoison at kernel addresses', () => {
  const as = new AddressSpace();
  const va = 0x84001000;
  as.setPages(va, 1, PageKind.Pool);
  assert.ok(as.shadow.isClean(va, PAGE_SIZE));
  as.shadow.poison(va + 64, 32, 0xfd);
  assert.equal(as.shadow.firstBad(va, 128), va + 64);
  assert.equal(as.shadow.at(va + 64 + 31), 0xfd);
  assert.equal(as.shadow.at(va + 96), 0x08);
  as.shadow.unpoison(va + 64, 13);
  assert.equal(as.shadow.at(va + 64), 0x08);
  assert.equal(as.shadow.at(va + 72), 13 - 8, 'a partial last granule says how many bytes');
});

test("VaRegion: a run freed just below the tail, with the free run it reaches, goes back to the tail as the general path leaves it", () => {
  const P = PAGE_SIZE;
  const a = new VaRegion('A', 0x100000, 0x100000 + 64 * P);
  const b = new VaRegion('B', 0x100000, 0x100000 + 64 * P);
  // The same pages freed in two orders: upper first (the fast path twice) and lower first (the general path).
  const [a1, a2, a3] = [a.allocatePages(2)!, a.allocatePages(1)!, a.allocatePages(3)!];
  const [b1, b2, b3] = [b.allocatePages(2)!, b.allocatePages(1)!, b.allocatePages(3)!];
  a.freePages(a3, 3);
  a.freePages(a2, 1);
  b.freePages(b2, 1);
  b.freePages(b3, 3);
  assert.deepEqual(a.freeSpace(), b.freeSpace());
  // Both regions now hand out the same pages.
  assert.equal(a.allocatePages(4), b.allocatePages(4));
  assert.equal(a.allocatePages(1), b.allocatePages(1));
  a.freePages(a1, 2);
  b.freePages(b1, 2);
  assert.equal(a.allocatePages(2), b.allocatePages(2));
  assert.deepEqual(a.freeSpace(), b.freeSpace());
});

test('AddressTable.clear empties the table for reuse: nothing is found, and it fills again', () => {
  const s = new AddressSet();
  for (let i = 0; i < 5000; i++) s.insert(0x84000000 + 8 * i);
  assert.equal(s.size, 5000);
  s.clear();
  assert.equal(s.size, 0);
  assert.ok(!s.has(0x84000000) && !s.has(0x84000000 + 8 * 4999));
  assert.deepEqual([...s.entries()], []);
  s.insert(0x84000010);
  s.insert(0x90000000);
  assert.ok(s.has(0x84000010) && s.has(0x90000000) && !s.has(0x84000000));
  assert.deepEqual([...s.entries()].map(([a]) => a), [0x84000010, 0x90000000]);
  assert.equal(s.remove(0x84000010) >= 0, true);
  assert.equal(s.remove(0x84000010), -1);
});
