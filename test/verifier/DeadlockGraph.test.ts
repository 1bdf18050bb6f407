/**
 * Deadlock Detection's lock graph on its own (src/verifier/deadlock/graph.ts): orders recorded once,
 * the path that a new acquisition would close into a cycle, freed locks leaving the graph; and the one
 * stop that no rule sample shows: a driver unloading while a lock it took is still owned (0xC4/0x100B).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { LockGraph } from '../../src/verifier/deadlock/graph.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { ROOT } from '../helpers.ts';

const T1 = 0x84000100;
const T2 = 0x84000200;
const [A, B, C] = [0x1000, 0x2000, 0x3000];

test('an order is an edge from every lock held to the one acquired, recorded the first time with both stacks', () => {
  const g = new LockGraph();
  g.acquired(T1, A, 'spinlock', [0xa1], 'drv', true);
  g.acquired(T1, B, 'spinlockAtDpc', [0xb1], 'drv', true);
  g.acquired(T1, C, 'spinlockAtDpc', [0xc1], 'drv', true);
  assert.deepEqual(g.path(A, C)?.map((e) => [e.from, e.to]), [[A, C]], 'A -> C directly: the shortest path');
  assert.deepEqual(g.path(B, C)?.map((e) => [e.from, e.to, e.fromStack, e.toStack]), [[B, C, [0xb1], [0xc1]]]);
  assert.equal(g.path(C, A), undefined, 'no order leads back');
  for (const l of [C, B, A]) g.released(T1, l);
  assert.deepEqual(g.heldBy(T1), []);
  // The same order again from another thread keeps the first edge's stacks.
  g.acquired(T2, A, 'spinlock', [0xa2], 'drv', true);
  g.acquired(T2, B, 'spinlockAtDpc', [0xb2], 'drv', true);
  assert.deepEqual(g.path(A, B)![0]!.toStack, [0xb1]);
  assert.equal(g.path(A, B)![0]!.thread, T1);
});

test('B then C in one thread and A then B in another: acquiring A while holding C would close a three-lock cycle', () => {
  const g = new LockGraph();
  g.acquired(T1, A, 'spinlock', [1], 'drv', true);
  g.acquired(T1, B, 'spinlockAtDpc', [2], 'drv', true);
  g.released(T1, B);
  g.released(T1, A);
  g.acquired(T2, B, 'spinlock', [3], 'drv', true);
  g.acquired(T2, C, 'spinlockAtDpc', [4], 'drv', true);
  const path = g.path(A, C)!;
  assert.deepEqual(path.map((e) => [e.from, e.to, e.thread]), [[A, B, T1], [B, C, T2]]);
});

test('a try-acquisition adds no order towards its lock, but orders from it count', () => {
  const g = new LockGraph();
  g.acquired(T1, A, 'fastMutex', [1], 'drv', true);
  g.acquired(T1, B, 'fastMutex', [2], 'drv', false);
  g.acquired(T1, C, 'spinlock', [3], 'drv', true);
  assert.equal(g.path(A, B), undefined);
  assert.ok(g.path(B, C));
});

test('locks in freed memory leave the graph with their orders; a new lock there starts with no history', () => {
  const g = new LockGraph();
  g.node(A, 'Spinlock');
  g.node(B, 'Spinlock');
  g.acquired(T1, A, 'spinlock', [1], 'drv', true);
  g.acquired(T1, B, 'spinlockAtDpc', [2], 'drv', true);
  g.released(T1, B);
  g.released(T1, A);
  g.forget(B, B + 0x10);
  assert.equal(g.nodes.has(B), false);
  assert.equal(g.path(A, B), undefined);
  assert.equal(g.nodes.has(A), true);
});

test('a driver that unloads while a lock it took is still owned: 0xC4/0x100B at unload, blaming the acquisition; !deadlock lists the owner\'s locks', async () => {
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'deadlock', 'UnloadHoldingLock.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  const mutex = Number.parseInt(/mutex=([0-9A-F]{8})/.exec(r.dump.debugLog.join('\n'))![1]!, 16);
  assert.deepEqual(r.bugCheck?.params, [0x100b, mutex, r.dump.context!.thread, 0]);
  const t = new DebugTarget(r.dump);
  const analysis = execute(t, '!analyze -v');
  assert.ok(analysis.some((l) => /^SYMBOL_NAME: {2}UnloadHoldingLock!DriverEntry\+0x[0-9a-f]+$/.test(l)), 'the acquisition that was never released is blamed');
  assert.ok(analysis.some((l) => /^Arg1: 0000100b, A lock that is still owned is deleted\.$/.test(l)));
  const out = execute(t, '!deadlock');
  assert.equal(out[2], 'A lock that is still owned is deleted.');
  assert.ok(out.includes(`Lock A =   ${mutex.toString(16).padStart(8, '0')} - Type 'Fast Mutex'.`), out.join('\n'));
});

test('a lookaside entry given back to its list leaves the graph; a lock in memory never freed stays', async () => {
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'deadlock', 'LookasideReuse.ts'), verifierFlags: 0x20, ioctls: [] });
  assert.equal(r.bugCheck, null);
  const log = r.dump.debugLog.join('\n');
  const [entry, kept] = ['entry', 'kept'].map((key) => Number.parseInt(new RegExp(`${key}=([0-9A-F]{8})`).exec(log)![1]!, 16));
  const nodes = r.machine.verifier!.deadlock.graph.nodes;
  assert.equal(nodes.has(kept!), true, 'the lock in the block never freed is known');
  assert.equal(nodes.has(entry!), false, 'the lock in the entry given back is forgotten');
});
