/**
 * The power framework settings of a single-component device (src/wdf/power/pofx.ts), driven by a
 * fixture driver (test/fixtures/c/kmdf/PowerFramework.c): the framework registers the device with
 * PoFx at its start (the post-register callback gets the POHANDLE), the component callbacks go to the
 * driver's with its context, and removal calls the pre-unregister callback before PoFxUnregisterDevice.
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

test('PowerFramework: assigned settings register the device with PoFx at the start and unregister it at removal', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-pofx-')), 'PowerFramework.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'PowerFramework.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const printed: string[] = [];
  const r = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    unload: false,
    shutdown: false,
    onDebugPrint: (l) => printed.push(l.replace(/^PowerFramework: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  const k = r.machine.kernel;
  // The component goes idle once power management starts: the driver's callbacks, with its context, from PoFx's DPC.
  k.runInThread(k.systemThread, () => k.dispatcher.waitUntil(() => printed.some((l) => l.startsWith('idle state')), () => `no idle state callback: ${printed.join(' | ')}`));
  const [node] = k.pnp.devnodes();
  assert.ok(node);
  k.pnp.remove(node);
  assert.deepEqual(printed, [
    // STATUS_INVALID_DEVICE_REQUEST: S0 idle is not system-managed yet.
    'before idle 0xc0000010',
    'idle 0x0',
    // STATUS_INFO_LENGTH_MISMATCH; STATUS_INVALID_PARAMETER (a deepest wakeable state past the last).
    'bad size 0xc0000004',
    'bad component 0xc000000d',
    'assign 0x0',
    'registered 1',
    'idle condition context 0x5678 component 0',
    // F1: its 1 ms latency is within what the driver tolerates (no limit set).
    'idle state context 0x5678 component 0 F1',
    'unregistering same 1',
  ]);
});
