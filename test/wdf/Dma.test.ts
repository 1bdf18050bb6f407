/**
 * WDFDMAENABLER and WDFCOMMONBUFFER (src/wdf/dma-enabler.ts), driven by a fixture driver
 * (test/fixtures/c/kmdf/DmaCalls.c) that prints what each call returned: the enabler is the kernel's
 * DMA adapter for the device's PDO, common buffers are the adapter's, aligned as asked; everything
 * goes with the device (the adapter put back, the buffers freed), clean under /standard.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
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
