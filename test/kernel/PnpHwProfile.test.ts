/**
 * EventCategoryHardwareProfileChange (pnp/hwprofile.ts): a profile change the run asks for asks every
 * registered callback (GUID_HWPROFILE_QUERY_CHANGE, in registration order, at PASSIVE_LEVEL on the PnP
 * manager's thread) and then tells each GUID_HWPROFILE_CHANGE_COMPLETE; a callback that fails the query
 * vetoes it and the ones asked before hear GUID_HWPROFILE_CHANGE_CANCELLED. An unregistered callback
 * hears nothing; the notifications are freed when the callbacks return.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { readGuid } from '../../src/kernel/pnp/interfaces.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { HWPROFILE_CHANGE_NOTIFICATION } from '../../src/nt/layout.ts';
import { EVENT_CATEGORY, GUID_HWPROFILE_CHANGE_CANCELLED, GUID_HWPROFILE_CHANGE_COMPLETE, GUID_HWPROFILE_QUERY_CHANGE } from '../../src/nt/pnpnotify.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const NAMES: Record<string, string> = {
  [GUID_HWPROFILE_QUERY_CHANGE]: 'query',
  [GUID_HWPROFILE_CHANGE_CANCELLED]: 'cancelled',
  [GUID_HWPROFILE_CHANGE_COMPLETE]: 'complete',
};
const live = (k: Kernel) => [...k.pool.liveBlocks()].filter((b) => b.tag === TAG.PnpNotify).length;

/** Two drivers registered; `answer` is what the second says to the query. */
function setup(answer: number) {
  const k = new Kernel();
  const heard: string[] = [];
  const register = (name: string, n: number, reply: number) => {
    const { driver } = createDevice(k, name, 1);
    const cb = routine(k, 30 + n, (notification, context) => {
      const H = HWPROFILE_CHANGE_NOTIFICATION.off;
      assert.deepEqual([k.as.u16(notification + H.Version), k.as.u16(notification + H.Size), context, k.irql], [1, HWPROFILE_CHANGE_NOTIFICATION.size, 0x100 + n, PASSIVE_LEVEL]);
      const event = NAMES[readGuid(k, notification + H.Event)]!;
      heard.push(`${name} ${event}`);
      return event === 'query' ? reply : STATUS.SUCCESS;
    });
    const out = scratch(k, 4);
    assert.equal(k.ddi.IoRegisterPlugPlayNotification(EVENT_CATEGORY.HardwareProfileChange, 0, 0, driver, cb, 0x100 + n, out), STATUS.SUCCESS);
    return k.as.u32(out);
  };
  const entries = [register('Dock', 1, STATUS.SUCCESS), register('Undock', 2, answer)];
  return { k, heard, entries };
}

test('a profile change: every callback is asked, then every callback hears it is complete', () => {
  const { k, heard, entries } = setup(STATUS.SUCCESS);
  const before = live(k);
  assert.equal(k.pnp.hardwareProfileChange(), STATUS.SUCCESS);
  assert.deepEqual(heard, ['Dock query', 'Undock query', 'Dock complete', 'Undock complete']);
  assert.equal(live(k), before, 'each notification freed after its callback');
  for (const e of entries) assert.equal(k.ddi.IoUnregisterPlugPlayNotification(e), STATUS.SUCCESS);
  assert.equal(live(k), 0);
  heard.length = 0;
  assert.equal(k.pnp.hardwareProfileChange(), STATUS.SUCCESS);
  assert.deepEqual(heard, [], 'unregistered: nothing is called');
});

test('a callback that fails the query vetoes the change: the ones asked before it hear it was cancelled', () => {
  const { k, heard } = setup(STATUS.UNSUCCESSFUL);
  assert.equal(k.pnp.hardwareProfileChange(), STATUS.UNSUCCESSFUL);
  assert.deepEqual(heard, ['Dock query', 'Undock query', 'Dock cancelled']);
});

test('a scenario step `pnp: hardware-profile-change` delivers it to a driver registered in DriverEntry; it unloads clean', async () => {
  const { runScenario } = await import('../../src/api/index.ts');
  const { fixture } = await import('../helpers.ts');
  const run = await runScenario({
    steps: [
      { load: fixture('HwProfileMonitor.ts') },
      { pnp: 'hardware-profile-change' },
      { pnp: 'hardware-profile-change' },
      { open: '\\Device\\HwProfileMonitor' },
      { ioctl: { code: 0x222000, outputLength: 12, expect: { status: 'STATUS_SUCCESS', output: '020000000000000002000000' } } },
      'close',
      'unload',
    ],
  });
  assert.equal(run.ok, true, JSON.stringify(run.steps));
  assert.equal(run.bugCheck, null);
  assert.equal(run.leaks.length, 0);
});
