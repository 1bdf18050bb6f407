/**
 * The KmdfDma sample (drivers/c/kmdf/KmdfDma): a bus-master PnP device whose reads and writes are DMA
 * transactions over the request's MDL, each stage ended by the device's interrupt and DPC; the
 * requests complete with the bytes transferred, clean under /standard, and the kernel's DMA state
 * (adapter, lists, common buffer) goes with the device.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const KMDFDMA = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfDma', 'KmdfDma.wasm');
const RESOURCES = [{ kind: 'mem' as const, base: 0xfe000000, length: 0x1000 }, { kind: 'irq' as const, irq: 5, latched: false }];

test('KmdfDma: a 12 KB write and a 5 KB read go by DMA in stages of the maximum length, each ended by the interrupt and its DPC', async () => {
  const printed: string[] = [];
  const r = await runDriver({
    driver: KMDFDMA,
    verifierFlags: STANDARD_FLAGS,
    resources: RESOURCES,
    requests: [
      { kind: 'write', data: Buffer.alloc(0x3000, 0x5a) },
      { kind: 'read', length: 0x1400 },
    ],
    onDebugPrint: (l) => printed.push(l.replace(/^KmdfDma: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.deepEqual(r.requests.map((q) => [q.status, q.information]), [[0, 0x3000], [0, 0x1400]]);
  // Each stage at most a page (the enabler's maximum length); the buffers' pages decide the elements.
  const stages = printed.filter((l) => l.startsWith('EvtProgramDma'));
  assert.deepEqual(printed.filter((l) => l.startsWith('transfer done')), ['transfer done 0x0, 0x3000 bytes in 3 stages', 'transfer done 0x0, 0x1400 bytes in 2 stages']);
  assert.equal(stages.filter((l) => l.startsWith('EvtProgramDma write')).length, 3);
  assert.equal(stages.filter((l) => l.startsWith('EvtProgramDma read')).length, 2);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.machine.kernel.hal.dma.adapters.size, 0);
});
