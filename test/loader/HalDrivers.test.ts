/**
 * Drivers of simulated hardware, verified: HalDevice.c (built with dv build) maps its registers, connects
 * its interrupt and takes a DMA adapter in DriverEntry; its IOCTL rings the device, which raises the line.
 * The ISR runs at the device's DIRQL, its DPC at DISPATCH_LEVEL after it, KeSynchronizeExecution at the
 * DIRQL, a scatter/gather transfer through the adapter's table (called through pointers from wasm) at
 * DISPATCH_LEVEL; unloading leaves no interrupt, adapter, mapping or DMA block behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { BugCheck } from '../../src/kernel/errors.ts';
import type { DeviceSpace } from '../../src/kernel/hal/device-registers.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT, fixture, hex } from '../helpers.ts';

const ulongs = (bytes: Uint8Array) => Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i));

/** The device HalDevice.c drives: registers at 0xFEBF0000 (a doorbell write raises vector 0x31), a UART's line status port. */
function declareDevice(k: Kernel): { block: () => DeviceSpace } {
  let block: DeviceSpace | undefined;
  block = k.hal.io.registers.add({ name: 'haldev', base: 0xfebf0000, length: 0x100, write: (offset, _size, value) => offset === 0 && value === 1 && k.hal.raiseInterrupt(0x31) });
  k.hal.io.ports.add({ name: 'uart', base: 0x3f8, length: 8, read: (offset) => (offset === 5 ? 0x60 : undefined) });
  return { block: () => block! };
}

test('HalDevice.c: ISR at DIRQL, then its DPC at DISPATCH_LEVEL, KeSynchronizeExecution, a scatter/gather transfer; verified, unloading clean', { skip: NEEDS_CLANG }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-hal-'));
  try {
    const driver = join(dir, 'HalDevice.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'hal', 'HalDevice.c')], output: driver });
    assert.ok(built.ok, built.diagnostics);
    let device: { block: () => DeviceSpace } | undefined;
    let dmaBlocksBefore = 0;
    const r = await runDriver({
      driver,
      verifierFlags: STANDARD_FLAGS,
      ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 17 * 4 }],
      configure: (m) => {
        device = declareDevice(m.kernel);
        dmaBlocksBefore = [...m.kernel.pool.liveBlocks()].filter((b) => b.tag === TAG.Dma).length;
      },
    });
    assert.equal(r.bugCheck, null);
    assert.equal(r.requests[0]!.status, 0);
    const facts = ulongs(r.requests[0]!.output);
    assert.deepEqual(facts.slice(0, 4), [5, 2, 5, 2], 'IRQL in the ISR, the DPC, the synchronized routine, the list routine');
    assert.equal(String.fromCharCode(...facts.slice(4, 9)), 'IDRSG', 'ISR, its DPC, back from the doorbell write, synchronized, transfer');
    assert.deepEqual(facts.slice(9, 12), [2, 0x100, 0x200], 'two elements, split at the page boundary');
    assert.deepEqual(facts.slice(12, 17), [17, 1, 1, 0x60, 0], 'map registers, logical == virtual, alignment, the port, GetScatterGatherList status');
    const k = r.machine.kernel;
    const writes = device!.block().accesses.filter((a) => a.kind === 'write').map((a) => `${hex(a.offset)}=${hex(a.value)}`);
    assert.equal(writes.slice(0, 3).join(' '), '0x4=0x1 0x0=0x1 0x4=0x0', 'status, doorbell, then the ISR acknowledging');
    assert.match(writes[3]!, /^0x8=0x8[0-9a-f]{7}$/, 'the first element handed to the device');
    assert.equal(writes[4], '0xc=0x100');
    assert.deepEqual([k.hal.interrupts.connected.size, k.hal.dma.adapters.size, k.hal.io.mappings.size], [0, 0, 0]);
    assert.equal([...k.pool.liveBlocks()].filter((b) => b.tag === TAG.Dma).length, dmaBlocksBefore, 'common buffer, list, adapter: all freed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HalDevice.ts: the same device from a TypeScript driver, the adapter\'s routines called through ddi.routine', async () => {
  let device: { block: () => DeviceSpace } | undefined;
  const r = await runDriver({
    driver: fixture('HalDevice.ts'),
    verifierFlags: STANDARD_FLAGS,
    ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 40 }],
    configure: (m) => {
      device = declareDevice(m.kernel);
    },
  });
  assert.equal(r.bugCheck, null);
  const facts = ulongs(r.requests[0]!.output);
  assert.deepEqual(facts.slice(0, 4), [5, 2, 5, 2], 'IRQL in the ISR, the DPC, the synchronized routine, the list routine');
  assert.equal(String.fromCharCode(...facts.slice(4, 9)), 'IDRSG');
  assert.equal(facts[9], 2, 'two scatter/gather elements');
  assert.match(device!.block().accesses.filter((a) => a.kind === 'write').map((a) => `${hex(a.offset)}=${hex(a.value)}`).join(' '), /^0x4=0x1 0x0=0x1 0x4=0x0 0x8=0x8[0-9a-f]{7}$/);
  const k = r.machine.kernel;
  assert.deepEqual([k.hal.interrupts.connected.size, k.hal.dma.adapters.size, k.hal.io.mappings.size], [0, 0, 0]);
});

test('an ISR left connected at unload: the next interrupt runs unloaded code, 0xCE with the ISR\'s address, as for a timer left behind', async () => {
  const r = await runDriver({
    driver: fixture('HalDevice.ts'),
    verifierFlags: STANDARD_FLAGS,
    ioctls: [{ code: 0x222004, input: Buffer.alloc(0), outputLength: 0 }],
    configure: (m) => declareDevice(m.kernel),
  });
  assert.equal(r.bugCheck, null, 'unloading itself does not stop the machine');
  const k = r.machine.kernel;
  const [isr] = [...k.hal.interrupts.connected.values()];
  assert.ok(isr, 'the interrupt is still connected');
  assert.throws(() => k.hal.raiseInterrupt(0x31), (e: unknown) => e instanceof BugCheck && e.code === 0xce && e.params[0] === isr.serviceRoutine);
});
