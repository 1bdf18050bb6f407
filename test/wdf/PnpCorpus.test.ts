/**
 * The corpus' KMDF PnP samples (microsoft/Windows-driver-samples, read from the checkout at
 * $DV_WDS or /work/wds, never copied) built with dv build and run through their PnP lifecycle:
 * toaster func/simple under the filter/generic upper filter, and echo (AutoSync, DriverSync), each
 * started, put to sleep and woken, sent its requests and removed, clean under /standard.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { hex } from '../helpers.ts';

const WDS = process.env.DV_WDS ?? '/work/wds';
const missing = existsSync(join(WDS, 'general')) ? undefined : `no Windows-driver-samples checkout at ${WDS} (set DV_WDS)`;
const skip = NEEDS_CLANG || missing;
if (missing) console.log(`# skipped: ${missing}`);

const out = mkdtempSync(join(tmpdir(), 'dv-kmdf-corpus-'));

function build(name: string, sources: string[], includes: string[]): string {
  const output = join(out, `${name}.wasm`);
  const r = buildDriver({ sources: sources.map((s) => join(WDS, s)), includeDirs: includes.map((i) => join(WDS, i)), output });
  assert.ok(r.ok, `${name} builds:\n${r.diagnostics}`);
  return output;
}

test('toaster func/simple under filter/generic: start, sleep and wake, a read and an IOCTL through the filter, removal', { skip }, async () => {
  const toaster = build('toaster', ['general/toaster/toastDrv/kmdf/func/simple/toaster.c'], ['general/toaster/toastDrv/kmdf/func/shared', 'general/toaster/toastDrv/inc']);
  const generic = build('filter', ['general/toaster/toastDrv/kmdf/filter/generic/filter.c'], ['general/toaster/toastDrv/inc']);
  const lines: string[] = [];
  const r = await runDriver({
    driver: toaster,
    filters: [generic],
    verifierFlags: STANDARD_FLAGS,
    sleep: true,
    requests: [{ kind: 'read', length: 4 }, { kind: 'ioctl', code: 0x222000, input: Buffer.alloc(0), outputLength: 0 }],
    onRequest: (l) => lines.push(l),
  });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.ok(lines.includes('IRP_MN_SET_POWER (PowerSystemWorking) -> STATUS_SUCCESS'), lines.join('\n'));
  // The read is the sample's (success, nothing to return); the IOCTL is none it knows.
  assert.deepEqual(r.requests.map((q) => hex(q.status)), [hex(STATUS.SUCCESS), hex(STATUS.INVALID_DEVICE_REQUEST)]);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.unloaded, true);
});

for (const variant of ['AutoSync', 'DriverSync']) {
  test(`echo ${variant}: a write and the read that echoes it, after a sleep and wake; removal`, { skip }, async () => {
    const dir = `general/echo/kmdf/driver/${variant}`;
    const echo = build(`echo${variant}`, ['device.c', 'driver.c', 'queue.c'].map((f) => `${dir}/${f}`), [dir, 'general/echo/kmdf/exe']);
    const r = await runDriver({
      driver: echo,
      verifierFlags: STANDARD_FLAGS,
      sleep: true,
      requests: [{ kind: 'write', data: Buffer.from('Hello') }, { kind: 'read', length: 5 }],
    });
    assert.equal(r.bugCheck, null);
    assert.equal(r.hang, null);
    assert.deepEqual(r.requests.map((q) => [hex(q.status), q.information]), [['0x0', 5], ['0x0', 5]]);
    assert.equal(Buffer.from(r.requests[1]!.output).toString(), 'Hello');
    assert.deepEqual(r.leaks, []);
    assert.equal(r.unloaded, true);
  });
}
