/**
 * The power-policy and wake DDIs' answers, from a fixture driver (test/fixtures/c/kmdf/WakeCalls.c,
 * built here) that prints what each returned: WdfDeviceAssignSxWakeSettings checks the size
 * (STATUS_INFO_LENGTH_MISMATCH), the DxState (D0: STATUS_POWER_STATE_INVALID), the tri-state
 * (STATUS_INVALID_PARAMETER) and the bus (a bus that cannot wake: STATUS_POWER_STATE_INVALID);
 * IdleCanWakeFromS0 needs the same bus; WdfDeviceIndicateWakeStatus refuses STATUS_PENDING
 * (STATUS_INVALID_PARAMETER) and, for a function device, which never waits for a child's wake, says
 * STATUS_INVALID_DEVICE_STATE; a device that gave the policy away (WdfDeviceInitSetPowerPolicyOwnership
 * FALSE) gets STATUS_INVALID_DEVICE_REQUEST from the owner's calls.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'dv-kmdf-wake-'));

function build(name: string, defines: string[] = []): string {
  const driver = join(dir, `${name}.wasm`);
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'WakeCalls.c')], output: driver, defines });
  assert.ok(built.ok, built.diagnostics);
  return driver;
}

async function printed(driver: string, wake: boolean): Promise<string[]> {
  const lines: string[] = [];
  const r = await runDriver({ driver, wake, onDebugPrint: (l) => lines.push(l.replace(/^WakeCalls: /, '').trim()) });
  assert.equal(r.bugCheck, null);
  return lines;
}

test('WakeCalls on a bus that can wake: each wrong setting refused with its status, the good ones accepted', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await printed(build('WakeCalls'), true), [
    'sx size 0xc0000004',
    'sx D0 0xc00002d3',
    'sx enabled 7 0xc000000d',
    'sx default 0x00000000',
    'idle can wake 0x00000000',
    'indicate pending 0xc000000d',
    'indicate success 0xc0000184',
  ]);
});

test('WakeCalls on a bus that cannot wake: wake settings and IdleCanWakeFromS0 are STATUS_POWER_STATE_INVALID', { skip: NEEDS_CLANG }, async () => {
  const lines = await printed(build('WakeCalls'), false);
  assert.deepEqual(lines.filter((l) => /^(sx default|idle can wake)/.test(l)), ['sx default 0xc00002d3', 'idle can wake 0xc00002d3']);
});

test('a device that gave the power policy away: the owner calls are STATUS_INVALID_DEVICE_REQUEST', { skip: NEEDS_CLANG }, async () => {
  assert.deepEqual(await printed(build('WakeCallsNotOwner', ['WAKECALLS_NOT_OWNER']), true), ['sx not owner 0xc0000010', 'idle not owner 0xc0000010']);
});

test('Arm callbacks that fail: Sx gets its Disarm at once, S0 none; the WAIT_WAKE is canceled, so a wake signal finds nothing and no Triggered comes', { skip: NEEDS_CLANG }, async () => {
  const lines: string[] = [];
  const steps: string[] = [];
  const r = await runDriver({ driver: build('WakeCallsArmFails', ['WAKECALLS_ARM_FAILS']), wake: true, sleep: true, unload: false, shutdown: false, onStep: (l) => steps.push(l), onDebugPrint: (l) => lines.push(l.replace(/^WakeCalls: /, '').trim()) });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(lines, ['D0Entry', 'ArmWakeFromSx fails', 'DisarmWakeFromSx', 'D0Exit', 'D0Entry']);
  assert.ok(steps.includes('the device signals wake, but no IRP_MN_WAIT_WAKE is pending: it was not armed'), steps.join('\n'));
  const k = r.machine.kernel;
  const node = k.pnp.devnodes()[0]!;
  // Idle after 100 ms: ArmWakeFromS0 fails, the device goes to D3 unarmed and without a WAIT_WAKE.
  k.runInThread(k.systemThread, () => k.dispatcher.waitUntil(() => lines.length === 7, () => `never idled: ${lines.join(' | ')}`));
  assert.deepEqual(lines.slice(5), ['ArmWakeFromS0 fails', 'D0Exit']);
  assert.equal(k.pnp.rootDriver.wake.waiting(node.pdo), undefined);
  k.pnp.remove(node);
  assert.ok(!lines.includes('DisarmWakeFromS0') && !lines.includes('WakeTriggered'), lines.join('\n'));
});
