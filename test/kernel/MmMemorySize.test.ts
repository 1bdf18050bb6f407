/**
 * The machine's memory size and pool exhaustion as Windows has it: ExAllocatePool* returns NULL,
 * IoAllocateIrp/Mdl/WorkItem return NULL, IoCreateDevice and a user request fail with
 * STATUS_INSUFFICIENT_RESOURCES; never a SimulatorError. Small machines keep these tests quick.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE, VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { DEFAULT_MEMORY, MiB, parseMemorySize, poolLimits } from '../../src/kernel/mm/physical-memory.ts';
import { KERNEL_RESERVE_PAGES } from '../../src/kernel/ex/pool.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { FILE_DEVICE_UNKNOWN, IRP_MJ } from '../../src/nt/io.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { fixture } from '../helpers.ts';
import { TAG, createDevice, routine } from './support.ts';

test('memory sizes: K, M and G suffixes; nonsense and sizes out of range are refused with the reason', () => {
  assert.equal(parseMemorySize('512M'), 512 * MiB);
  assert.equal(parseMemorySize('1G'), 1024 * MiB);
  assert.equal(parseMemorySize('65536k'), 64 * MiB);
  assert.equal(parseMemorySize('256MiB'), 256 * MiB);
  assert.equal(parseMemorySize(String(32 * MiB)), 32 * MiB);
  for (const bad of ['', 'lots', '12Q', '-5M', '1.5G', 'M512']) assert.throws(() => parseMemorySize(bad), /is not a memory size/, bad);
  for (const bad of ['8M', '5G', '0']) assert.throws(() => parseMemorySize(bad), /out of range: from 16M to 4G/, bad);
});

test('pool limits follow from RAM as on Windows: nonpaged 75%, paged all of it, each within its VA region', () => {
  assert.deepEqual(poolLimits(64 * MiB), { nonPaged: 48 * MiB, paged: 64 * MiB, session: VA_MAP.session.end - VA_MAP.session.start });
  const big = poolLimits(DEFAULT_MEMORY);
  assert.equal(big.nonPaged, VA_MAP.nonPagedPool.end - VA_MAP.nonPagedPool.start, 'at 512M the region is the limit');
  assert.equal(big.paged, VA_MAP.pagedPool.end - VA_MAP.pagedPool.start);
});

/** Take whole pages of nonpaged pool until NULL; returns how many were had. */
function exhaust(k: Kernel): number {
  let n = 0;
  while (k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, PAGE_SIZE, TAG) !== 0) n++;
  return n;
}

/** Then every small size too: freed blocks wait on their size's free list, and the last page has room. */
function exhaustSmall(k: Kernel): void {
  for (let size = 8; size < PAGE_SIZE - 8; size += 8) while (k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, size, TAG) !== 0);
}

test('a 16M machine: nonpaged pool ends at 12M with NULL; paged pool has its own limit', () => {
  const k = new Kernel({ memory: 16 * MiB });
  const before = k.pool.committedBytes('nonpaged');
  const pages = exhaust(k);
  assert.equal(k.pool.committedBytes('nonpaged'), 12 * MiB, 'the commit limit is 75% of RAM');
  assert.ok(pages * PAGE_SIZE <= 12 * MiB - before && pages * PAGE_SIZE > 12 * MiB - before - 2 * PAGE_SIZE, `${pages} pages`);
  exhaustSmall(k);
  assert.equal(k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 16, TAG), 0, 'small blocks too, once their page is full');
  const paged = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 16, TAG);
  assert.notEqual(paged, 0, 'paged pool has its own limit');
});

test('exhausted nonpaged pool: IoAllocateIrp/Mdl/WorkItem return NULL, IoCreateDevice fails, a request fails with STATUS_INSUFFICIENT_RESOURCES', () => {
  const k = new Kernel({ memory: 16 * MiB });
  const dispatch = routine(k, 1, () => STATUS.SUCCESS);
  const { driver, device } = createDevice(k, 'Exhaust', 1, { [IRP_MJ.CREATE]: dispatch, [IRP_MJ.DEVICE_CONTROL]: dispatch });
  k.ob.insertName('\\Device\\Exhaust', device);
  const out = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 4, TAG);
  exhaust(k);
  exhaustSmall(k);
  assert.equal(k.ddi.IoAllocateIrp(1, 0), 0);
  assert.equal(k.ddi.IoAllocateMdl(out, 0x100, 0, 0, 0), 0);
  assert.equal(k.ddi.IoAllocateWorkItem(device), 0);
  assert.equal(k.ddi.IoCreateDevice(driver, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out), STATUS.INSUFFICIENT_RESOURCES);
  const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\Exhaust'));
  assert.equal(open.status, STATUS.INSUFFICIENT_RESOURCES, 'NtCreateFile: no FILE_OBJECT');
});

test("a request whose IRP cannot be had fails with STATUS_INSUFFICIENT_RESOURCES; the kernel's must-succeed reserve still serves it", () => {
  const k = new Kernel({ memory: 16 * MiB });
  const dispatch = routine(k, 1, (_d: number, irp: number) => {
    k.ddi.IofCompleteRequest(irp, 0);
    return STATUS.SUCCESS;
  });
  const { device } = createDevice(k, 'Exhaust', 1, { [IRP_MJ.CREATE]: dispatch, [IRP_MJ.DEVICE_CONTROL]: dispatch, [IRP_MJ.CLEANUP]: dispatch, [IRP_MJ.CLOSE]: dispatch });
  k.ob.insertName('\\Device\\Exhaust', device);
  const open = k.runInThread(k.userThread, () => k.io.files.openDevice('\\Device\\Exhaust'));
  assert.equal(open.status, STATUS.SUCCESS);
  exhaust(k);
  exhaustSmall(k);
  const r = k.runInThread(k.userThread, () => k.io.files.deviceIoControl(open.file, 0x222003, new Uint8Array(4), 4));
  assert.equal(r.status, STATUS.INSUFFICIENT_RESOURCES);
  // The kernel's own objects that cannot fail come from the reserve (KERNEL_RESERVE_PAGES pages).
  for (let i = 0; i < (KERNEL_RESERVE_PAGES * PAGE_SIZE) / 0x1000 - 1; i++) assert.notEqual(k.allocateKernelObject(0xff0, TAG), 0);
  k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
});

test('under /standard: failed allocations are counted, and special pool falls back to ordinary pool when exhausted', async () => {
  const r = await runDriver({ driver: fixture('ExhaustsPoolClean.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], memory: 16 * MiB, captureStacks: false });
  assert.equal(r.bugCheck, null);
  const s = r.machine.verifier!.stats;
  assert.equal(s.poolAllocationsFailed, 1, 'the one NULL the driver got');
  const specialBlocks = (VA_MAP.specialPool.end - VA_MAP.specialPool.start) / (2 * PAGE_SIZE);
  assert.equal(s.poolAllocationsSucceededSpecialPool, specialBlocks, "special pool, until its region ran out");
  assert.ok(s.poolAllocationsSucceeded > 10 * specialBlocks, `${s.poolAllocationsSucceeded} blocks in all: ordinary pool after special pool ran out`);
  assert.equal(s.nonPaged.current, 0);
});

test('without the verifier too: the driver gets NULL, and writing through it is an access violation no handler takes (0x1E), not a tool error', async () => {
  const r = await runDriver({ driver: fixture('ExhaustsPoolNullWrite.ts'), ioctls: [], memory: 16 * MiB, captureStacks: false });
  assert.ok(r.bugCheck, 'a bug check');
  // KMODE_EXCEPTION_NOT_HANDLED: STATUS_ACCESS_VIOLATION, where, then the exception's parameters: 1 = a write, at NULL.
  assert.equal(r.bugCheck.code, 0x1e);
  assert.equal(r.bugCheck.params[0], 0xc0000005);
  assert.deepEqual(r.bugCheck.params.slice(2), [1, 0], 'Arg3 = 1 (a write), Arg4 = the NULL address');
  assert.equal(r.machine.verifier, undefined);
});
