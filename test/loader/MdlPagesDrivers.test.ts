/**
 * Pages from the memory manager (kernel/mm/mdl-pages.ts) from a C driver, verified: MmAllocatePagesForMdlEx
 * hands out locked, zeroed pages that map and free; contiguous and noncached memory; pages whose MDL was
 * freed but which were never given back are a leak at unload (0xC4/0x62). And against the kernel directly:
 * fewer pages when memory is short, NULL with MM_ALLOCATE_FULLY_REQUIRED, 0xC2/0x60 for a bad free.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugTarget } from '../../src/debugger/target.ts';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { MM_ALLOCATE } from '../../src/kernel/mm/mdl-pages.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { MDL } from '../../src/nt/io.ts';
import { MDL_LAYOUT } from '../../src/nt/layout.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const PAGES = join(ROOT, 'test', 'fixtures', 'c', 'mm', 'MdlPages.wasm');
const ulongs = (bytes: Uint8Array) => Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i));
const M = MDL_LAYOUT.off;

test('MdlPages.c: pages for an MDL, mapped, written and freed; contiguous and noncached memory; verified, unloading clean', async () => {
  const r = await runDriver({ driver: PAGES, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 48 }] });
  assert.equal(r.bugCheck, null);
  assert.equal(r.requests[0]!.status, 0);
  assert.deepEqual(ulongs(r.requests[0]!.output).map(hex), [
    // an MDL, its ByteCount as asked, locked, not mapped, zeroed, three consecutive PFNs
    '0x1', '0x2010', '0x1', '0x0', '0x1', '0x2',
    // MmAllocatePagesForMdl: one page; contiguous (page aligned), specify-cache, noncached (zeroed); 0 bytes: NULL twice
    '0x1000', '0x1', '0x1', '0x1', '0x1', '0x1',
  ]);
  assert.equal([...r.machine.kernel.pool.liveBlocks()].filter((b) => b.tag === TAG.MdlPages).length, 0, 'every page run given back');
});

test("an MDL freed without MmFreePagesFromMdl leaks its pages: 0xC4/0x62 counts them, the allocation's stack names the thunk and the driver", async () => {
  const r = await runDriver({ driver: PAGES, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222004, input: Buffer.alloc(0), outputLength: 0 }] });
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!), r.bugCheck!.params[3]], ['0xc4', '0x62', 1]);
  assert.equal(r.leaks.length, 1);
  assert.equal(hex(r.leaks[0]!.size), '0x1000');
  const t = new DebugTarget(r.dump);
  assert.deepEqual(r.leaks[0]!.stack.slice(0, 2).map((pc) => t.functionName(pc)), ['nt!VerifierMmAllocatePagesForMdl', 'MdlPages!Dispatch']);
});

test('MmAllocatePagesForMdlEx: fewer pages than asked when memory is short (ByteCount says so), none with MM_ALLOCATE_FULLY_REQUIRED', () => {
  const k = new Kernel();
  // Leave room for about 3 pages: the pool refuses anything larger than what is free.
  const hogs: number[] = [];
  for (let a = k.tryAllocateKernelObject(0x100000, TAG.Dma); a !== 0; a = k.tryAllocateKernelObject(0x100000, TAG.Dma)) hogs.push(a);
  for (let a = k.tryAllocateKernelObject(0x4000, TAG.Dma); a !== 0; a = k.tryAllocateKernelObject(0x4000, TAG.Dma)) hogs.push(a);
  assert.equal(k.ddi.MmAllocatePagesForMdlEx(0n, -1n, 0n, 64 * 0x1000, 1, MM_ALLOCATE.FULLY_REQUIRED), 0);
  const mdl = k.ddi.MmAllocatePagesForMdlEx(0n, -1n, 0n, 64 * 0x1000, 1, 0);
  assert.notEqual(mdl, 0);
  const bytes = k.as.u32(mdl + M.ByteCount!);
  assert.ok(bytes > 0 && bytes < 64 * 0x1000 && bytes % 0x1000 === 0, hex(bytes));
  assert.equal(k.as.u16(mdl + M.MdlFlags!) & MDL.PAGES_LOCKED, MDL.PAGES_LOCKED);
  k.ddi.MmFreePagesFromMdl(mdl);
  assert.equal(k.as.u32(mdl + M.ByteCount!), 0, 'the MDL describes nothing once its pages are gone');
  k.ddi.ExFreePool(mdl);
  for (const a of hogs) k.freeKernelObject(a);
});

test('freeing pages twice, or contiguous memory never allocated, is 0xC2/0x60 with the address given (the MDL, or the base address)', () => {
  const k = new Kernel();
  const mdl = k.ddi.MmAllocatePagesForMdl(0n, -1n, 0n, 0x1000);
  const pages = k.as.u32(mdl + M.StartVa!);
  k.ddi.MmFreePagesFromMdl(mdl);
  k.as.setU32(mdl + M.StartVa!, pages);
  assert.throws(() => k.ddi.MmFreePagesFromMdl(mdl), (e: unknown) => e instanceof BugCheck && e.code === 0xc2 && e.params[0] === 0x60 && e.params[1] === mdl);
  const k2 = new Kernel();
  const block = k2.tryAllocateKernelObject(0x1000, TAG.Dma);
  assert.throws(() => k2.ddi.MmFreeContiguousMemory(block), (e: unknown) => e instanceof BugCheck && e.code === 0xc2 && e.params[1] === block);
});
