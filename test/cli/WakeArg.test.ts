/**
 * `dv run --wake`: with --sleep, a KMDF driver armed for system wake (KmdfPnpWake) sleeps in S3, the
 * device signals wake between the sleep's and the wake's S-IRPs, and the run is clean; --wake with
 * --no-pnp is a usage error (exit 2, a message, no stack trace).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const WAKE = join('drivers', 'c', 'kmdf', 'KmdfPnpWake', 'KmdfPnpWake.wasm');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --sleep --wake: the device signals wake while the machine is in S3, and the driver saw its wake callbacks', () => {
  const r = dv(['run', WAKE, '--sleep', '--wake']);
  assert.equal(r.code, EXIT.CLEAN, r.out + r.err);
  const lines = r.out.split('\n');
  const i = lines.indexOf('the device signals wake: its IRP_MN_WAIT_WAKE completes');
  assert.ok(i > 0, r.out);
  assert.match(lines[i - 1]!, /^IRP_MN_SET_POWER \(PowerSystemSleeping3\) -> STATUS_SUCCESS/);
  assert.match(lines[i + 1]!, /^IRP_MN_SET_POWER \(PowerSystemWorking\) -> STATUS_SUCCESS/);
  for (const callback of ['EvtDeviceArmWakeFromSxWithReason', 'EvtDeviceWakeFromSxTriggered', 'EvtDeviceDisarmWakeFromSx']) assert.match(r.out, new RegExp(callback), r.out);
});

test('dv run --wake --no-pnp is a usage error', () => {
  const r = dv(['run', WAKE, '--no-pnp', '--wake']);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.err, /--wake needs a PnP run, and --no-pnp was given/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});
