/**
 * The PnpFilter sample's whole lifecycle in both languages, above the PnpFunction sample: start, an IOCTL
 * through it, a system sleep/wake cycle (the S-IRPs pass through the filter: it owns no power policy),
 * a rebalance (QUERY_STOP, STOP, START through the filter, its START completion routine again), then
 * an orderly removal or a surprise removal, both drivers unloaded, nothing left under /standard.
 * (PnpFilterRun.test.ts has the order of each IRP in a plain run, PnpTwins.test.ts the violating twin.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const IOCTL_ECHO = 0x222400;
const SAMPLES = {
  ts: { fn: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts'), filter: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFilter.ts') },
  c: { fn: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFunction', 'PnpFunction.wasm'), filter: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFilter', 'PnpFilter.wasm') },
} as const;
const QUERIES = ['IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS'];
const down = (minor: string) => [`PnpFilter: ${minor}`, `PnpFunction: ${minor}`];
const START = [...down('IRP_MN_START_DEVICE'), 'PnpFilter: IRP_MN_START_DEVICE completed 0x0', ...QUERIES.flatMap(down)];

for (const [lang, s] of Object.entries(SAMPLES)) {
  for (const removal of ['remove', 'surprise-remove'] as const) {
    test(`${lang}: the filter through --sleep --stop-start, an IOCTL, --${removal}: each IRP through it, unloaded clean`, async () => {
      const printed: string[] = [];
      const steps: string[] = [];
      const r = await runDriver({
        driver: s.fn,
        filters: [s.filter],
        verifierFlags: STANDARD_FLAGS,
        sleep: true,
        stopStart: true,
        removal,
        requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }],
        onDebugPrint: (l) => printed.push(l.trim()),
        onStep: (l) => steps.push(l),
      } satisfies RunOptions);
      assert.equal(r.bugCheck, null);
      assert.ok(r.unloaded);
      assert.equal(r.leakCount, 0, 'nothing left allocated');
      assert.deepEqual(r.requests.map((q) => [hex(q.status), q.information]), [[hex(STATUS.SUCCESS), 4]], 'the echo through the filter');
      // The sleep went through the filter to the bus and back: no veto, S3 then S0.
      const power = steps.filter((l) => /^IRP_MN_(QUERY|SET)_POWER/.test(l));
      assert.deepEqual(power.map((l) => l.replace(/ -> .*/, '')), ['IRP_MN_QUERY_POWER (PowerSystemSleeping3)', 'IRP_MN_SET_POWER (PowerSystemSleeping3)', 'IRP_MN_SET_POWER (PowerSystemWorking)']);
      assert.ok(power.every((l) => l.endsWith('-> STATUS_SUCCESS')), power.join('\n'));
      const end = removal === 'remove' ? ['IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE'] : ['IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE'];
      assert.deepEqual(printed, [
        'PnpFunction: DriverEntry',
        'PnpFilter: DriverEntry',
        'PnpFunction: AddDevice',
        'PnpFilter: AddDevice',
        ...START,
        ...down('IRP_MN_QUERY_STOP_DEVICE'),
        ...down('IRP_MN_STOP_DEVICE'),
        ...START,
        ...end.flatMap(down),
        'PnpFunction: DriverUnload',
        'PnpFilter: DriverUnload',
      ]);
    });
  }
}
