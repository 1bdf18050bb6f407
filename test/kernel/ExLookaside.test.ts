/** Lookaside lists (ExXxxLookasideList) and session pool (EngAllocMem). No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { GENERAL_LOOKASIDE, NPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST } from '../../src/nt/layout.ts';
import { POOL_TYPE, poolTag } from '../../src/nt/pool.ts';
import { hex, routine, scratch } from './support.ts';

const L = GENERAL_LOOKASIDE.off;
const TAG = poolTag('Look');

function nonPagedList(k: Kernel, allocate = 0, free = 0): number {
  const list = scratch(k, NPAGED_LOOKASIDE_LIST.size);
  k.ddi.ExInitializeNPagedLookasideList(list, allocate, free, 0, 0x40, TAG, 0);
  return list;
}

test('layouts: GENERAL_LOOKASIDE 0x48 bytes; NPAGED_LOOKASIDE_LIST adds a spin lock, PAGED_LOOKASIDE_LIST a FAST_MUTEX', () => {
  assert.equal(GENERAL_LOOKASIDE.size, 0x48);
  assert.deepEqual([L.Depth, L.Type, L.Tag, L.Size, L.Allocate, L.Free, L.ListEntry], [8, 0x1c, 0x20, 0x24, 0x28, 0x2c, 0x30]);
  assert.equal(NPAGED_LOOKASIDE_LIST.size, 0x4c);
  assert.equal(PAGED_LOOKASIDE_LIST.size, 0x68);
});

test('ExInitializeNPagedLookasideList fills the list and puts it on the kernel list of lookaside lists', () => {
  const k = new Kernel();
  const list = nonPagedList(k);
  assert.equal(k.as.u32(list + L.Type), POOL_TYPE.NonPagedPoolNx);
  assert.equal(hex(k.as.u32(list + L.Tag)), hex(TAG));
  assert.equal(k.as.u32(list + L.Size), 0x40);
  assert.equal(k.as.u16(list + L.Depth), 4);
  assert.equal(k.as.u16(list + L.MaximumDepth), 256);
  assert.ok(k.lookasideLists.has(list));
  k.ddi.ExDeleteNPagedLookasideList(list);
  assert.ok(!k.lookasideLists.has(list));
});

test('a freed block waits on the list and is handed out again; beyond the depth blocks go back to pool', () => {
  const k = new Kernel();
  const list = nonPagedList(k);
  const a = k.ddi.ExAllocateFromNPagedLookasideList(list);
  assert.equal(hex(k.pool.block(a)!.tag), hex(TAG), 'a miss allocates from pool with the list tag');
  assert.equal(k.as.u32(list + L.AllocateMisses), 1);
  k.ddi.ExFreeToNPagedLookasideList(list, a);
  assert.equal(k.as.u16(list + L['ListHead.Depth']), 1);
  assert.ok(k.pool.block(a), 'cached, not freed');
  assert.equal(hex(k.ddi.ExAllocateFromNPagedLookasideList(list)), hex(a), 'a hit');
  assert.equal(k.as.u32(list + L.TotalAllocates), 2);
  const blocks = Array.from({ length: 6 }, () => k.ddi.ExAllocateFromNPagedLookasideList(list));
  for (const b of [a, ...blocks]) k.ddi.ExFreeToNPagedLookasideList(list, b);
  assert.equal(k.as.u16(list + L['ListHead.Depth']), 4, 'up to Depth');
  assert.equal(k.as.u32(list + L.FreeMisses), 3);
  k.ddi.ExDeleteNPagedLookasideList(list);
  for (const b of [a, ...blocks]) assert.equal(k.pool.block(b), undefined, 'deleting the list frees what it held');
});

test("a list with the driver's own Allocate and Free routines calls them", () => {
  const k = new Kernel();
  const calls: string[] = [];
  const allocate = routine(k, 1, (type, size, tag) => {
    calls.push(`allocate ${hex(type)} ${hex(size)} ${hex(tag)}`);
    return k.pool.allocate(type, size, tag);
  });
  const free = routine(k, 2, (block) => {
    calls.push('free');
    k.pool.free(block, 0);
  });
  const list = nonPagedList(k, allocate, free);
  const a = k.ddi.ExAllocateFromNPagedLookasideList(list);
  k.ddi.ExFreeToNPagedLookasideList(list, a);
  k.ddi.ExDeleteNPagedLookasideList(list);
  assert.deepEqual(calls, [`allocate ${hex(POOL_TYPE.NonPagedPoolNx)} 0x40 ${hex(TAG)}`, 'free']);
});

test('the paged variants draw from paged pool', () => {
  const k = new Kernel();
  const list = scratch(k, PAGED_LOOKASIDE_LIST.size);
  k.ddi.ExInitializePagedLookasideList(list, 0, 0, 0, 0x80, TAG, 0);
  const a = k.ddi.ExAllocateFromPagedLookasideList(list);
  assert.equal(k.pool.block(a)!.type, POOL_TYPE.PagedPool);
  k.ddi.ExFreeToPagedLookasideList(list, a);
  k.ddi.ExDeletePagedLookasideList(list);
  assert.equal(k.pool.block(a), undefined);
});

test('EngAllocMem allocates session pool (nonpaged with FL_NONPAGED_MEMORY), zeroed; EngFreeMem frees it', () => {
  const k = new Kernel();
  const paged = k.ddi.EngAllocMem(1, 0x30, TAG);
  const nonPaged = k.ddi.EngAllocMem(3, 0x30, TAG);
  for (const a of [paged, nonPaged]) assert.ok(a >= VA_MAP.session.start && a < VA_MAP.session.end, `${hex(a)} in session space`);
  assert.equal(k.pool.block(paged)!.type, POOL_TYPE.PagedPoolSession);
  assert.equal(k.pool.block(nonPaged)!.type, POOL_TYPE.NonPagedPoolSession);
  assert.equal(k.ddi.EngAllocMem(0, 0, TAG), 0);
  k.ddi.EngFreeMem(paged);
  k.ddi.EngFreeMem(nonPaged);
  assert.equal(k.pool.block(paged), undefined);
});
