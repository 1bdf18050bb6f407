/**
 * The object-graph snapshot under the machine snapshot (src/system/snapshot/graph.ts): restored in place,
 * identities kept, every kind of state the machine holds put back, and what it must not touch left alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphRecorder, GraphSnapshot } from '../../src/system/snapshot/graph.ts';

class Counter {
  n = 1;
  optional?: string;
  readonly items: number[] = [1, 2];
  constructor(readonly bytes = new Uint32Array([7, 8])) {}
  bump(): void {
    this.n++;
  }
}

test('objects, class instances, arrays, Maps, Sets and typed arrays come back, in place; properties added since go', () => {
  const recorder = new GraphRecorder();
  try {
    const c = new Counter();
    const child = { name: 'child' };
    const plain: { a: number; b?: number } = { a: 1 };
    const root = { c, plain, list: [child, 2], map: new Map<string, unknown>([['a', child]]), set: new Set([1, 2]), [Symbol.for('s')]: 5 };
    const snap = new GraphSnapshot([root], recorder);
    c.bump();
    c.optional = 'set later';
    plain.b = 2;
    c.items.push(3);
    c.bytes[0] = 99;
    child.name = 'changed';
    root.list.length = 0;
    root.map.set('b', 1).delete('a');
    root.set.add(3);
    (root as Record<symbol, number>)[Symbol.for('s')] = 6;
    const keep = { root, c, child, list: root.list, map: root.map };
    snap.restore();
    assert.equal(c.n, 2 - 1);
    assert.equal(c.optional, undefined);
    assert.ok(!('b' in plain), 'a member added after the snapshot is gone');
    assert.deepEqual(c.items, [1, 2]);
    assert.deepEqual([...c.bytes], [7, 8]);
    assert.equal(child.name, 'child');
    assert.deepEqual(root.list, [child, 2]);
    assert.deepEqual([...root.map], [['a', child]]);
    assert.deepEqual([...root.set], [1, 2]);
    assert.equal((root as Record<symbol, number>)[Symbol.for('s')], 5);
    // In place: the same objects (closures that hold them see the restored state).
    assert.ok(keep.root === root && keep.c === c && keep.child === child && keep.list === root.list && keep.map === root.map);
    c.bump();
    assert.equal(c.n, 2, 'methods still work on a restored instance');
  } finally {
    recorder.stop();
  }
});

test('WeakMap side tables: entries on graph objects come back, entries set since go, other keys are left alone', () => {
  const recorder = new GraphRecorder();
  try {
    const side = new WeakMap<object, { count: number }>();
    const kernel = { id: 1 };
    const thread = { id: 2 };
    const outsider = { id: 3 };
    side.set(kernel, { count: 1 });
    const snap = new GraphSnapshot([kernel, thread], recorder);
    side.get(kernel)!.count = 5;
    side.set(thread, { count: 9 });
    side.set(outsider, { count: 3 });
    snap.restore();
    assert.equal(side.get(kernel)!.count, 1, "the side table's value, walked and restored");
    assert.equal(side.has(thread), false, 'set after the snapshot on a graph object: deleted');
    assert.equal(side.get(outsider)!.count, 3, 'a key that is not the graph’s is not the snapshot’s business');
    const before = side.get(kernel);
    side.delete(kernel);
    snap.restore();
    assert.equal(side.get(kernel), before, 'deleted since: put back');
  } finally {
    recorder.stop();
  }
});

test('wasm globals and tables come back; bytes of an external buffer and frozen objects are not touched', () => {
  const recorder = new GraphRecorder();
  try {
    const g = new WebAssembly.Global({ value: 'i32', mutable: true }, 4);
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    const memory = new ArrayBuffer(16);
    const view = new Uint8Array(memory);
    const frozen = Object.freeze({ inner: { v: 1 } });
    const snap = new GraphSnapshot([{ g, table, view, frozen }], recorder, { external: [memory] });
    g.value = 8;
    table.grow(2);
    view[0] = 1;
    frozen.inner.v = 2;
    snap.restore();
    assert.equal(g.value, 4);
    assert.equal(table.get(1), null);
    assert.equal(view[0], 1, 'the external buffer is memory.ts’s to restore');
    assert.equal(frozen.inner.v, 1, "a frozen object's children are still walked");
  } finally {
    recorder.stop();
  }
});

test('state the snapshot cannot hold is refused, not silently kept: a Promise, a Proxy', () => {
  const recorder = new GraphRecorder();
  try {
    assert.throws(() => new GraphSnapshot([{ p: Promise.resolve() }], recorder), /a Promise in the machine graph/);
    assert.throws(() => new GraphSnapshot([{ p: new Proxy({}, {}) }], recorder), /a Proxy in the machine graph/);
  } finally {
    recorder.stop();
  }
});
