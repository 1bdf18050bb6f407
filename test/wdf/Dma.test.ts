/**
 * WDFDMAENABLER and WDFCOMMONBUFFER (src/wdf/dma-enabler.ts), driven by a fixture driver
 * (test/fixtures/c/kmdf/DmaCalls.c) that prints what each call returned: the enabler is the kernel's
 * DMA adapter for the device's PDO, common buffers are the adapter's, aligned as asked; everything
 * goes with the device (the adapter put back, the buffers freed), clean under /standard. Transactions
 * (src/wdf/dma-transaction.ts, test/fixtures/c/kmdf/DmaTransfer.c): staged by the maximum length, each
 * stage programmed with the adapter's list; a transaction executed twice is 0x10D/0x8.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { FX_HANDLE_XOR, FX_OBJECT_HEADER, FX_TYPE, WDF_BUGCHECK } from '../../src/nt/wdf.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

test('DmaCalls: DMA enablers and common buffers answer as the DDI reference says; nothing leaks', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-dma-')), 'DmaCalls.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'DmaCalls.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const run = async (unload: boolean) => {
    const printed: string[] = [];
    const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, unload, shutdown: unload, onDebugPrint: (l) => printed.push(l.replace(/^DmaCalls: /, '').trim()) });
    const kept = (name: string) => Number.parseInt(printed.find((l) => l.startsWith(`kept ${name} `))?.slice(6 + name.length) ?? '', 16);
    return { r, adapter: kept('adapter'), buffer: kept('buffer'), printed: printed.filter((l) => !l.startsWith('kept ')) };
  };
  const { r, printed } = await run(true);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(printed, [
    // No maximum length, a system-mode profile: STATUS_INVALID_PARAMETER; a wrong Size: STATUS_INFO_LENGTH_MISMATCH.
    'zero length 0xc000000d 1',
    'system profile 0xc000000d',
    'bad size 0xc0000004',
    'create 0x0',
    'maximum length 0x10000',
    // Unlimited until set.
    'fragments 0xffffffff',
    'fragments set 17',
    'adapter 1 same 1',
    'empty buffer 0xc000000d',
    'buffer 0x0 length 0x2000 zeroed 1 logical matches 1',
    'aligned 0x0 aligned 1 length 100 logical matches 1',
    // Not a FILE_xxx_ALIGNMENT mask.
    'bad alignment 0xc000000d',
    'doomed 0x0',
  ]);
  assert.deepEqual(r.leaks, []);
  // The adapter was put back with the device.
  assert.equal(r.machine.kernel.hal.dma.adapters.size, 0);
  // Loaded: the enabler's adapter is the kernel's, with the two common buffers the driver kept (the third was deleted).
  const loaded = await run(false);
  const adapter = loaded.r.machine.kernel.hal.dma.adapters.get(loaded.adapter);
  assert.ok(adapter, 'the enabler holds a kernel DMA adapter');
  assert.equal(adapter.commonBuffers.size, 2);
  assert.ok(adapter.commonBuffers.has(loaded.buffer));
  // WdfDmaProfileScatterGather64: a 64-bit description.
  assert.equal(adapter.dmaAddressWidth, 64);
});

const buildTransfer = (defines: string[] = []) => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-dma-transfer-')), 'DmaTransfer.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'DmaTransfer.c')], output: driver, defines });
  assert.ok(built.ok, built.diagnostics);
  return driver;
};

test('DmaTransfer: transactions stage a transfer by the maximum length, program each stage, and end clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const printed: string[] = [];
  const r = await runDriver({ driver: buildTransfer(), verifierFlags: STANDARD_FLAGS, unload: true, shutdown: true, onDebugPrint: (l) => printed.push(l.replace(/^DmaTransfer: /, '').trim()) });
  assert.equal(r.bugCheck, null);
  const transfer = (name: string, to: string[]) => [`${name} create 0x0 device 1 request 00000000`, `${name} initialize 0x0`, ...to, `${name} release 0x0`, `${name} again 0x0`];
  // Each stage is programmed at DISPATCH_LEVEL before Execute or DmaCompleted returns; STATUS_MORE_PROCESSING_REQUIRED until the last.
  assert.deepEqual(printed, [
    // Scatter/gather, 0x1800 at most a stage: two pages, two pages, one.
    ...transfer('sg', [
      'program sg at 2, 2 elements, 0x1800 bytes, to device 1, current 1',
      'sg execute 0x0',
      'program sg at 2, 2 elements, 0x1800 bytes, to device 1, current 1',
      'sg completed 0 0xc0000016, 0x1800 bytes',
      'program sg at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'sg completed 0 0xc0000016, 0x3000 bytes',
      'sg completed 1 0x0, 0x4000 bytes',
    ]),
    // Packet: one element a stage, a bus master's mapping ending at its page.
    ...transfer('packet', [
      'program packet at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'packet execute 0x0',
      'program packet at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'packet completed 0 0xc0000016, 0x1000 bytes',
      'program packet at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'packet completed 0 0xc0000016, 0x2000 bytes',
      'program packet at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'packet completed 0 0xc0000016, 0x3000 bytes',
      'packet completed 1 0x0, 0x4000 bytes',
    ]),
    // 0x1000 of each 0x1800 stage moved: the next stage starts where the device stopped.
    ...transfer('short', [
      'program short at 2, 2 elements, 0x1800 bytes, to device 1, current 1',
      'short execute 0x0',
      'program short at 2, 2 elements, 0x1800 bytes, to device 1, current 1',
      'short completed 0 0xc0000016, 0x1000 bytes',
      'program short at 2, 2 elements, 0x1800 bytes, to device 1, current 1',
      'short completed 0 0xc0000016, 0x2000 bytes',
      'program short at 2, 1 elements, 0x1000 bytes, to device 1, current 1',
      'short completed 0 0xc0000016, 0x3000 bytes',
      'short completed 1 0x0, 0x4000 bytes',
    ]),
    // SetMaximumLength: a page a stage; DmaCompletedFinal: an underrun ends the transfer at once.
    ...transfer('final', ['program final at 2, 1 elements, 0x1000 bytes, to device 1, current 1', 'final execute 0x0', 'final completed 1 0x0, 0x200 bytes']),
  ]);
  assert.deepEqual(r.leaks, []);
  // Every adapter, list and map register went back.
  assert.equal(r.machine.kernel.hal.dma.adapters.size, 0);
});

test('DmaTransfer twin: executing a transaction already executing is 0x10D/0x8 with the transaction', { skip: NEEDS_CLANG }, async () => {
  const r = await runDriver({ driver: buildTransfer(['EXECUTE_TWICE']), verifierFlags: STANDARD_FLAGS, unload: true, shutdown: true });
  assert.ok(r.bugCheck, 'a bug check');
  assert.deepEqual([r.bugCheck.code, r.bugCheck.params[0]], [0x10d, WDF_BUGCHECK.DMA_FATAL_ERROR]);
  // P2: the transaction's handle, whose object header says WDFDMATRANSACTION; P3 reserved.
  const object = (r.bugCheck.params[1]! ^ FX_HANDLE_XOR) >>> 0;
  assert.equal(r.machine.kernel.as.u16(object + FX_OBJECT_HEADER.off.Type!), FX_TYPE.DmaTransaction);
  assert.equal(r.bugCheck.params[2], 0);
});
