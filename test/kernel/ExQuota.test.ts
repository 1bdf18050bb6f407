/** Quota allocations, ExAllocatePool3, ExInitializeDriverRuntime: the same pool and checks as ExAllocatePool2. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { driverRuntimeFlags, poolQuotaCharged, POOL_QUOTA_FAIL_INSTEAD_OF_RAISE } from '../../src/kernel/ex/quota.ts';
import { POOL_FLAG, POOL_TYPE } from '../../src/nt/pool.ts';
import { expectBugCheck, hex, scratch, TAG } from './support.ts';

test('ExAllocatePoolWithQuotaTag charges the current process until the block is freed', () => {
  const k = new Kernel();
  const p = k.ddi.ExAllocatePoolWithQuotaTag(POOL_TYPE.PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 100, TAG);
  assert.notEqual(p, 0);
  assert.equal(k.pool.block(p)!.type, POOL_TYPE.PagedPool, 'the quota bit is not part of the pool type');
  assert.equal(k.pool.block(p)!.tag, TAG);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 100);
  const q = k.runInThread(k.userThread, () => k.ddi.ExAllocatePoolWithQuota(POOL_TYPE.NonPagedPool, 40));
  assert.equal(poolQuotaCharged(k, k.userProcess.address), 40, "charged to the caller's process");
  k.ddi.ExFreePoolWithTag(p, TAG);
  k.ddi.ExFreePool(q);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 0);
  assert.equal(poolQuotaCharged(k, k.userProcess.address), 0);
});

test('a quota allocation of zero bytes, or with tag 0, is BAD_POOL_CALLER as any other', () => {
  expectBugCheck(() => new Kernel().ddi.ExAllocatePoolWithQuotaTag(POOL_TYPE.NonPagedPool, 0, TAG), 0xc2, [0, 0, POOL_TYPE.NonPagedPool, TAG]);
});

test('a failed quota allocation with POOL_QUOTA_FAIL_INSTEAD_OF_RAISE returns NULL', () => {
  const k = new Kernel({ memory: 16 * 1024 * 1024 });
  assert.equal(k.ddi.ExAllocatePoolWithQuotaTag(POOL_TYPE.NonPagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 0x7fffffff, TAG), 0);
});

test('ExAllocatePool3: flags as ExAllocatePool2, priority and NUMA-node parameters accepted; secure pool, bad types, NULL array refused', () => {
  const k = new Kernel();
  const params = scratch(k, 32);
  k.as.setU8(params, 1); // PoolExtendedParameterPriority
  k.as.setU32(params + 8, 32); // HighPoolPriority
  k.as.setU8(params + 16, 3); // PoolExtendedParameterNumaNode
  const p = k.ddi.ExAllocatePool3(POOL_FLAG.PAGED, 64, TAG, params, 2);
  assert.notEqual(p, 0);
  assert.equal(k.pool.block(p)!.type, POOL_TYPE.PagedPool);
  assert.equal(k.ddi.ExAllocatePool3(POOL_FLAG.NON_PAGED, 64, TAG, 0, 0) !== 0, true);
  assert.equal(k.ddi.ExAllocatePool3(POOL_FLAG.NON_PAGED, 64, TAG, 0, 1), 0);
  k.as.setU8(params, 2); // PoolExtendedParameterSecurePool
  assert.equal(k.ddi.ExAllocatePool3(POOL_FLAG.NON_PAGED, 64, TAG, params, 1), 0);
  const quota = k.ddi.ExAllocatePool3(POOL_FLAG.NON_PAGED | POOL_FLAG.USE_QUOTA, 48, TAG, 0, 0);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 48);
  k.ddi.ExFreePoolWithTag(quota, TAG);
});

test('ExInitializeDriverRuntime records the opt-in of the calling driver', () => {
  const k = new Kernel();
  k.ddi.ExInitializeDriverRuntime(1);
  assert.equal(hex([...driverRuntimeFlags(k).values()][0]!), '0x1');
});

test("the WDK's zeroing wrappers: ExAllocatePoolQuotaZero charges quota; the Priority and Uninitialized forms take the same pool", () => {
  const k = new Kernel();
  const q = k.ddi.ExAllocatePoolQuotaZero(POOL_TYPE.NonPagedPoolNx | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 24, TAG);
  assert.equal(k.pool.block(q)!.type, POOL_TYPE.NonPagedPoolNx);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 24);
  const u = k.ddi.ExAllocatePoolQuotaUninitialized(POOL_TYPE.PagedPool, 8, TAG);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 32);
  for (const p of [k.ddi.ExAllocatePoolUninitialized(POOL_TYPE.PagedPool, 16, TAG), k.ddi.ExAllocatePoolPriorityZero(POOL_TYPE.NonPagedPoolNx, 16, TAG, 16), k.ddi.ExAllocatePoolPriorityUninitialized(POOL_TYPE.NonPagedPoolNx, 16, TAG, 32)]) {
    assert.deepEqual([k.pool.block(p)!.size, k.pool.block(p)!.tag], [16, TAG]);
    k.ddi.ExFreePoolWithTag(p, TAG);
  }
  k.ddi.ExFreePoolWithTag(q, TAG);
  k.ddi.ExFreePoolWithTag(u, TAG);
  assert.equal(poolQuotaCharged(k, k.systemProcess.address), 0);
});
