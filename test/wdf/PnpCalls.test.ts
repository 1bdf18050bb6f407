/**
 * The PnP half's smaller DDIs, each called once by a fixture driver (test/fixtures/c/kmdf/PnpCalls.c,
 * built here) that prints what they returned: the device's stack and local target, interface state,
 * WDFDPC, WDFWORKITEM flush, WDFTIMER stop, spin and wait locks, StopIdle/ResumeIdle,
 * WdfInterruptSynchronize and the interrupt lock, and a manual queue stopped, started and purged.
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

test('PnpCalls: each call answers as the DDI reference says, clean under /standard', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-calls-')), 'PnpCalls.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'PnpCalls.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const printed: string[] = [];
  const r = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    resources: [{ kind: 'mem', base: 0xfe000000, length: 0x1000 }, { kind: 'irq', irq: 5, latched: false }],
    requests: [{ kind: 'ioctl', code: 0x222000, input: Buffer.alloc(0), outputLength: 0 }],
    unload: false,
    shutdown: false,
    onDebugPrint: (l) => printed.push(l.replace(/^PnpCalls: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(printed, [
    'FdoInitWdmGetPhysicalDevice 1',
    // No filter: the device is attached to the PDO, which is its local target's device object.
    'attached is PDO 1',
    'target device 1, target object 1',
    // At DISPATCH_LEVEL: queued, already queued, cancelled before it ran.
    'dpc enqueue 1 0, cancel 1, ran 0, kdpc 1',
    'work item ran 1',
    // Not queued before; stopped while queued; not queued any more: the callback never ran.
    'timer start 0, stop 1, stop again 0',
    'spin lock held at 2, released at 0',
    // STATUS_SUCCESS, then STATUS_TIMEOUT for a zero timeout on a held lock.
    'wait lock 0x0, try 0x0',
    'stop idle 0x0',
    // The interrupt's DIRQL (irq 5 -> 22).
    'synchronized at 22, interrupt lock at 22',
    'stop complete',
    'purge complete',
    // STATUS_NO_MORE_ENTRIES: purged, then started again, and empty.
    'manual queue retrieve 0x8000001a',
  ]);
  // The driver disabled its interface in SelfManagedIoInit: the start did not enable it again.
  const k = r.machine.kernel;
  assert.deepEqual(k.pnp.interfaces.list('{1D2C3B4A-5E6F-4A1B-8C9D-0E1F2A3B4C5D}', 0, 0), []);
  assert.equal(k.pnp.interfaces.list('{1D2C3B4A-5E6F-4A1B-8C9D-0E1F2A3B4C5D}', 0, 1).length, 1);
});
