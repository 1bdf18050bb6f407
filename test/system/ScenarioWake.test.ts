/**
 * Wake in scenario files: `load: { wake: true }` (the device can wake the system), `pnp: device-wake`
 * (it signals wake now: its pending IRP_MN_WAIT_WAKE completes) and `pnp: sleep-device-wake` (a sleep
 * it wakes the machine from), with the KmdfPnpWake sample, which arms for wake from S0 idle and Sx.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseScenario } from '../../src/system/scenario/load.ts';
import { runScenario } from '../../src/system/scenario/run.ts';
import { ROOT } from '../helpers.ts';

const scenario = (text: string) => parseScenario(text, join(ROOT, 'drivers', 'c', 'test.yaml'));
const WAKE = 'kmdf/KmdfPnpWake/KmdfPnpWake.wasm';

test('a wake-capable device: idle armed in S0, woken by its signal, then a sleep it wakes the machine from; a signal with nothing armed is STATUS_INVALID_DEVICE_STATE', async () => {
  const o = await runScenario(
    scenario(`
steps:
  - load: { driver: ${WAKE}, wake: true, expect: { status: STATUS_SUCCESS } }
  - wait: 200ms
  - pnp: device-wake
  - wait: 10ms
  - pnp: sleep-device-wake
  - pnp: device-wake
  - pnp: remove
`),
  );
  assert.equal(o.ok, true, JSON.stringify(o.steps.map((s) => s.failures)));
  assert.deepEqual(o.steps.map((s) => [s.text, s.status]), [
    [`load ${WAKE}`, 0],
    ['wait 200ms', undefined],
    ['pnp device-wake', 0],
    ['wait 10ms', undefined],
    ['pnp sleep-device-wake', 0],
    ['pnp device-wake', 0xc0000184],
    ['pnp remove', undefined],
  ].map(([t, s]) => [t, s]));
});
