/**
 * The typed-array tracking (the verifier's TrackedAllocations, the stack depot, and the kernel's pool
 * index under it) against the simplest model that is obviously right: a Map of records. Random
 * allocate/free/re-allocate sequences, with addresses drawn from a small set so that reuse, hash
 * collisions and deletions inside probe chains happen often.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TrackedAllocations, type AllocationKind, type TrackedAllocation } from '../../src/verifier/driver-entry.ts';
import { StackDepot } from '../../src/verifier/stack-depot.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';

const KINDS: AllocationKind[] = ['pool', 'mdl', 'workitem'];

type Op = { op: 'set'; a: TrackedAllocation } | { op: 'take'; address: number } | { op: 'get'; address: number };

// Addresses from a few hundred values in the kernel half (above 0x7fffffff), a few low ones, and a
// fixed set of scattered ones: an arithmetic run spreads perfectly under Fibonacci hashing, scattered
// addresses collide, which exercises probe chains and deletion inside them.
let seed = 12345;
const SCATTERED = Array.from({ length: 700 }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & ~7) >>> 0);
const address = fc.oneof(
  fc.constantFrom(...SCATTERED),
  fc.integer({ min: 0, max: 300 }).map((i) => (0x84000000 + i * 8) >>> 0),
  fc.integer({ min: 0, max: 40 }).map((i) => (0x98000000 + i * 0x2000 + 0xff8) >>> 0),
  fc.integer({ min: 1, max: 64 }),
);
const stack = fc.array(fc.integer({ min: 0x81600000, max: 0x81600040 }), { maxLength: 5 });
const record = fc.record({
  address,
  size: fc.integer({ min: 0, max: 0xffffffff }),
  tag: fc.integer({ min: 0, max: 0xffffffff }),
  poolType: fc.constantFrom(0, 1, 0x200, 32, 33),
  kind: fc.constantFrom(...KINDS),
  caller: fc.integer({ min: 0, max: 0xffffffff }),
  thread: fc.integer({ min: 0, max: 0xffffffff }),
  stack,
});
const op: fc.Arbitrary<Op> = fc.oneof(
  // fast-check's records have a null prototype; the table's have Object's.
  { weight: 5, arbitrary: record.map((a) => ({ op: 'set' as const, a: { ...a } })) },
  { weight: 4, arbitrary: address.map((address) => ({ op: 'take' as const, address })) },
  { weight: 1, arbitrary: address.map((address) => ({ op: 'get' as const, address })) },
);

test('TrackedAllocations behaves as a Map of records: lookups, removals, size and insertion order', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 200, maxLength: 3000, size: 'max' }), (ops) => {
      const table = new TrackedAllocations(new StackDepot());
      const model = new Map<number, TrackedAllocation>();
      for (const o of ops) {
        if (o.op === 'set') {
          table.set(o.a);
          model.delete(o.a.address);
          model.set(o.a.address, o.a);
        } else if (o.op === 'take') {
          const expected = model.get(o.address);
          model.delete(o.address);
          assert.deepEqual(table.take(o.address), expected);
        } else {
          assert.deepEqual(table.get(o.address), model.get(o.address));
        }
        assert.equal(table.size, model.size);
      }
      assert.deepEqual([...table.values()], [...model.values()]);
    }),
    { numRuns: 100 },
  );
});

test('the stack depot gives one id per distinct stack and returns the stack stored', () => {
  fc.assert(
    fc.property(fc.array(stack, { maxLength: 200 }), (stacks) => {
      const depot = new StackDepot();
      const ids = new Map<string, number>();
      for (const s of stacks) {
        const id = depot.intern(s);
        assert.deepEqual([...depot.get(id)], s);
        const key = s.join(',');
        if (ids.has(key)) assert.equal(id, ids.get(key), 'the same stack, the same id');
        ids.set(key, id);
      }
      assert.equal(new Set(ids.values()).size, ids.size, 'distinct stacks, distinct ids');
    }),
  );
});

test("the kernel pool's live-block index agrees with a Map model over random allocate/free sequences", () => {
  type PoolOp = { op: 'alloc'; size: number; type: number } | { op: 'free'; pick: number };
  const poolOp: fc.Arbitrary<PoolOp> = fc.oneof(
    fc.record({ op: fc.constant('alloc' as const), size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 0x2400 })), type: fc.constantFrom(POOL_TYPE.NonPagedPool, POOL_TYPE.PagedPool, POOL_TYPE.NonPagedPoolNx) }),
    fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.array(poolOp, { minLength: 50, maxLength: 400, size: 'max' }), (ops) => {
      const k = new Kernel();
      const before = [...k.pool.liveBlocks()];
      const model = new Map<number, { size: number; tag: number; type: number }>();
      let n = 0;
      for (const o of ops) {
        if (o.op === 'alloc') {
          const tag = 0x41414141 + n++;
          const a = k.pool.allocate(o.type, o.size, tag);
          assert.notEqual(a, 0);
          assert.ok(!model.has(a), 'a live block is never handed out twice');
          model.set(a, { size: o.size, tag, type: o.type });
        } else if (model.size > 0) {
          const a = [...model.keys()][o.pick % model.size]!;
          const b = k.pool.free(a, 0);
          assert.deepEqual({ size: b.size, tag: b.tag, type: b.type }, model.get(a));
          model.delete(a);
        }
      }
      for (const [a, m] of model) assert.deepEqual(k.pool.block(a), { address: a, ...m, special: false });
      const live = [...k.pool.liveBlocks()].slice(before.length);
      assert.deepEqual(
        live.map((b) => b.address),
        [...model.keys()],
        'live blocks in allocation order',
      );
    }),
    { numRuns: 60 },
  );
});
