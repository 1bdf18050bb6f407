/**
 * The typed-array structures of the verified pool path against the simple structures they replace,
 * over random sequences: special pool's slot allocator against a first-fit VaRegion handing out
 * two-page runs (the same addresses, in the same order, and exhaustion at the same point), and the
 * verifier's recently-freed set against the two-generation RecentMap (the same answer to every query),
 * the pool's recently freed blocks against RecentMap<number, PoolBlock>, and the stack depot interning
 * from a scratch array against interning copies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PAGE_SIZE, VaRegion } from '../../src/kernel/mm/address-space.ts';
import { SlotAllocator } from '../../src/kernel/mm/slot-allocator.ts';
import { RecentAddresses, RecentMap } from '../../src/kernel/rtl/recent.ts';
import { StackDepot } from '../../src/verifier/stack-depot.ts';
import { RecentBlocks, type PoolBlock } from '../../src/kernel/ex/pool.ts';

const START = 0x98000000;

test('SlotAllocator hands out the slots a first-fit VaRegion of two-page runs does', () => {
  // Small regions so that exhaustion, the tail shrinking back and long free lists all happen.
  const ops = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat(1000) }), { minLength: 1, maxLength: 600, size: 'max' });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), ops, (slots, sequence) => {
      const region = new VaRegion('model', START, START + slots * 2 * PAGE_SIZE);
      const allocator = new SlotAllocator(slots);
      const taken: number[] = [];
      for (const o of sequence) {
        if (o < 0 || taken.length === 0) {
          const expected = region.allocatePages(2);
          const slot = allocator.allocate();
          assert.equal(slot < 0 ? undefined : START + slot * 2 * PAGE_SIZE, expected);
          if (slot >= 0) taken.push(slot);
        } else {
          // Free one taken slot, picked by the draw.
          const [slot] = taken.splice(o % taken.length, 1);
          region.freePages(START + slot! * 2 * PAGE_SIZE, 2);
          allocator.free(slot!);
        }
        assert.equal(allocator.available, slots - taken.length);
      }
    }),
    { numRuns: 300 },
  );
});

test('RecentAddresses answers as RecentMap<number, true> does', () => {
  // Addresses from a small set (repeats, re-adds while the young generation is full), page-aligned
  // ones (special pool's blocks share their low bits) and anything in 32 bits.
  const address = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 24 }).map((i) => (0x84000000 + i * 8) >>> 0) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 200 }).map((i) => (0x98000000 + i * 0x2000 + 0xfc0) >>> 0) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  );
  const op = fc.record({ add: fc.boolean(), address });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.array(op, { minLength: 1, maxLength: 1500, size: 'max' }), (capacity, ops) => {
      const model = new RecentMap<number, true>(capacity);
      const set = new RecentAddresses(capacity);
      for (const o of ops) {
        if (o.add) {
          model.set(o.address | 0, true);
          set.add(o.address);
        } else assert.equal(set.has(o.address), model.has(o.address | 0), `has(0x${o.address.toString(16)})`);
      }
    }),
    { numRuns: 300 },
  );
});

test('StackDepot.internFirst over a reused scratch array gives the ids intern gives over copies', () => {
  const frames = fc.array(fc.integer({ min: 0x81600000, max: 0x81600010 }), { maxLength: 6 });
  fc.assert(
    fc.property(fc.array(frames, { minLength: 1, maxLength: 200, size: 'max' }), (stacks) => {
      const scratchDepot = new StackDepot();
      const copyDepot = new StackDepot();
      // Longer than any stack: what follows a stack in it is stale frames of an earlier one.
      const scratch: number[] = Array.from({ length: 8 }, (_, i) => 0x81600000 + i);
      for (const s of stacks) {
        s.forEach((pc, i) => (scratch[i] = pc));
        const id = scratchDepot.internFirst(scratch, s.length);
        assert.equal(id, copyDepot.intern([...s]));
        assert.deepEqual(scratchDepot.get(id), s);
      }
      assert.equal(scratchDepot.size, copyDepot.size);
    }),
    { numRuns: 200 },
  );
});

test("RecentBlocks (the pool's recently freed blocks) answers as RecentMap<number, PoolBlock> does", () => {
  const address = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 24 }).map((i) => (0x84000000 + i * 8) >>> 0) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((i) => (0x98000000 + i * 0x2000 + 0xfc0) >>> 0) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  );
  const block = fc.record({ address, size: fc.nat(0xffff), tag: fc.integer({ min: 0, max: 0xffffffff }), type: fc.constantFrom(0, 1, 0x200), special: fc.boolean() });
  const op = fc.oneof(
    { weight: 3, arbitrary: block.map((b) => ({ op: 'set' as const, b: { ...b } })) },
    { weight: 1, arbitrary: address.map((a) => ({ op: 'delete' as const, a })) },
    { weight: 3, arbitrary: address.map((a) => ({ op: 'get' as const, a })) },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.array(op, { minLength: 1, maxLength: 1500, size: 'max' }), (capacity, ops) => {
      const model = new RecentMap<number, PoolBlock>(capacity);
      const blocks = new RecentBlocks(capacity);
      for (const o of ops) {
        if (o.op === 'set') {
          model.set(o.b.address | 0, o.b);
          blocks.set(o.b);
        } else if (o.op === 'delete') {
          model.delete(o.a | 0);
          blocks.delete(o.a);
        } else assert.deepEqual(blocks.get(o.a), model.get(o.a | 0), `get(0x${o.a.toString(16)})`);
      }
    }),
    { numRuns: 200 },
  );
});
