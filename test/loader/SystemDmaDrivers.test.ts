/**
 * A system-DMA driver from C (SystemDmaDevice.c, the flow of a version 3 system DMA driver), verified:
 * with a controller serving its request line, the channel is granted at DISPATCH_LEVEL, MapTransferEx
 * (a ULONGLONG offset through the table from wasm) moves the MDL's pages to the device's register and the
 * completion routine ends the wait; without one, IoGetDmaAdapter is NULL and the driver says so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SystemDmaController } from '../../src/kernel/hal/system-dma.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const DRIVER = join(ROOT, 'test', 'fixtures', 'c', 'hal', 'SystemDmaDevice.wasm');
const ulongs = (bytes: Uint8Array) => Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i));
const IOCTL = { code: 0x222000, input: Buffer.alloc(0), outputLength: 20 };

test('SystemDmaDevice.c on a declared controller: the pages reach the device at DeviceAddress, verified, unloading clean', async () => {
  let controller: SystemDmaController | undefined;
  const r = await runDriver({
    driver: DRIVER,
    verifierFlags: STANDARD_FLAGS,
    ioctls: [IOCTL],
    configure: (m) => {
      controller = m.kernel.hal.dma.controllers.add({ instance: 0, requestLines: [0x1000] });
    },
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(ulongs(r.requests[0]!.output).map(hex), ['0x0', '0x3', '0x1', '0x2000', '0x0'], 'status, map registers, counter available, bytes mapped, counter after');
  assert.equal(controller!.transfers.length, 1);
  const t = controller!.transfers[0]!;
  assert.deepEqual([t.channel, t.toDevice, '0x' + t.deviceAddress.toString(16), t.data.length, t.data.every((b) => b === 0xda)], [0x1000, true, '0x70006200', 0x2000, true]);
  const k = r.machine.kernel;
  assert.equal(k.hal.dma.adapters.size, 0);
  assert.equal([...k.pool.liveBlocks()].filter((b) => b.tag === TAG.MdlPages).length, 0);
});

test('SystemDmaDevice.c with no controller on request line 0x1000: IoGetDmaAdapter is NULL, STATUS_NO_MATCH, no bug check', async () => {
  const r = await runDriver({ driver: DRIVER, verifierFlags: STANDARD_FLAGS, ioctls: [IOCTL] });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(ulongs(r.requests[0]!.output).map(hex), ['0xc0000272']);
});
