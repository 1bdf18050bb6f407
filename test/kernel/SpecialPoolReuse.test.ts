/**
 * Special pool refills only the bytes a reused page's last block held (special-pool.ts): a page back from
 * quarantine must read exactly as a freshly filled one. Random sizes and random in-block writes over more
 * frees than the quarantine holds, so pages come back with blocks of other sizes and offsets in them; each
 * allocation's page is compared with what a full fill gives: header, pattern, zeroed block, pattern.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE } from '../../src/kernel/mm/address-space.ts';
import { SPECIAL_POOL_PATTERN } from '../../src/kernel/mm/special-pool.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG, hex } from './support.ts';

/** More frees than special pool's quarantine (1024) keeps, so pages are reused. */
const ROUNDS = 1300;

function expectFreshPage(k: Kernel, address: number, size: number, type: number): void {
  const page = (address & ~(PAGE_SIZE - 1)) >>> 0;
  const bytes = k.as.read(page, PAGE_SIZE);
  assert.deepEqual([k.as.u32(page), k.as.u32(page + 4), k.as.u32(page + 8), k.as.u32(page + 12)], [size, type, TAG, address], `header of ${hex(page)}`);
  const at = address - page;
  for (let i = 16; i < PAGE_SIZE; i++) {
    const want = i >= at && i < at + size ? 0 : SPECIAL_POOL_PATTERN;
    if (bytes[i] !== want) assert.fail(`page ${hex(page)} byte +${hex(i)} is ${hex(bytes[i]!)}, a full fill gives ${hex(want)} (block at +${hex(at)}, ${size} bytes)`);
  }
}

test('a reused special pool page reads as a fresh one, whatever the sizes and contents of the blocks before', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ size: fc.integer({ min: 1, max: PAGE_SIZE - 16 }), keep: fc.integer({ min: 0, max: 3 }), paged: fc.boolean(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: ROUNDS, maxLength: ROUNDS }),
      (ops) => {
        const k = new Kernel();
        const live: number[] = [];
        for (const { size, keep, paged, byte } of ops) {
          const type = paged ? POOL_TYPE.PagedPool : POOL_TYPE.NonPagedPool;
          const a = k.pool.allocateSpecial(type, size, TAG);
          assert.notEqual(a, 0);
          expectFreshPage(k, a, size, type);
          // The driver uses its block: all of it, with a byte of its own.
          k.driverMemory.fill(a, size, byte);
          live.push(a);
          // Free all but up to `keep` of the live blocks, oldest first.
          while (live.length > keep) k.pool.free(live.shift()!, TAG);
        }
        assert.equal(k.halted, false);
      },
    ),
    // No shrinking: a failure is one page's bytes, and shrinking 1300 rounds of a kernel each takes minutes.
    { numRuns: 4, endOnFailure: true },
  );
});
