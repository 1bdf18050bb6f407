/**
 * dv run with filter drivers in the device's stack (--filter, --lower-filter), with the PnpFilter
 * sample in TypeScript and its C twin under the PnpFunction sample of the same language: the order in
 * which each driver sees AddDevice and the PnP IRPs (an upper filter before the function driver on the
 * way down, its START completion routine after the function driver's START; a lower filter after it),
 * the IOCTL passing through the filter, removal and surprise removal, both drivers unloaded with
 * nothing left under /standard; the Enum key names the filters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { multiSzStrings } from '../../src/kernel/cm/hive.ts';
import { ENUM_PATH } from '../../src/kernel/pnp/manager.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const IOCTL_ECHO = 0x222400;
const SAMPLES = {
  ts: { fn: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts'), filter: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFilter.ts') },
  c: { fn: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFunction', 'PnpFunction.wasm'), filter: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFilter', 'PnpFilter.wasm') },
} as const;

// After START, as Windows does: capabilities, the device's state, then its bus relations (none here).
const QUERIES = ['IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS'];
/** Each PnP IRP as an upper filter and the function driver below it see it: filter first. */
const down = (minor: string) => [`PnpFilter: ${minor}`, `PnpFunction: ${minor}`];

async function run(driver: string, extra: Partial<RunOptions>) {
  const printed: string[] = [];
  const outcome = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    requests: [{ kind: 'ioctl', code: IOCTL_ECHO, input: Buffer.from('41424344', 'hex'), outputLength: 4 }],
    onDebugPrint: (l) => printed.push(l.trim()),
    ...extra,
  });
  return { outcome, printed };
}

for (const [lang, s] of Object.entries(SAMPLES)) {
  test(`${lang}: --filter: the upper filter's AddDevice after the driver's, each IRP through the filter first, START's completion routine on the way up`, async () => {
    const { outcome, printed } = await run(s.fn, { filters: [s.filter] });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(printed, [
      'PnpFunction: DriverEntry',
      'PnpFilter: DriverEntry',
      'PnpFunction: AddDevice',
      'PnpFilter: AddDevice',
      ...down('IRP_MN_START_DEVICE'),
      'PnpFilter: IRP_MN_START_DEVICE completed 0x0',
      ...QUERIES.flatMap(down),
      ...down('IRP_MN_QUERY_REMOVE_DEVICE'),
      ...down('IRP_MN_REMOVE_DEVICE'),
      'PnpFunction: DriverUnload',
      'PnpFilter: DriverUnload',
    ]);
    // The IOCTL went through the filter's pass-through to the function driver's echo.
    assert.deepEqual(outcome.requests.map((r) => [hex(r.status), r.information]), [[hex(STATUS.SUCCESS), 4]]);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
    const k = outcome.machine.kernel;
    assert.deepEqual(k.pnp.devnodes(), []);
    assert.equal([...k.io.drivers.values()].filter((d) => d.name === 'PnpFilter' && d.state !== 'unloaded').length, 0, 'the filter unloaded');
  });

  test(`${lang}: --filter with --surprise-remove: SURPRISE_REMOVAL then REMOVE through both, nothing left`, async () => {
    const { outcome, printed } = await run(s.fn, { filters: [s.filter], removal: 'surprise-remove' });
    assert.equal(outcome.bugCheck, null);
    assert.deepEqual(printed.slice(-6), [...down('IRP_MN_SURPRISE_REMOVAL'), ...down('IRP_MN_REMOVE_DEVICE'), 'PnpFunction: DriverUnload', 'PnpFilter: DriverUnload']);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });

  test(`${lang}: --lower-filter: attached between the PDO and the driver, so it sees each IRP after the function driver`, async () => {
    const { outcome, printed } = await run(s.fn, { lowerFilters: [s.filter] });
    assert.equal(outcome.bugCheck, null);
    const up = (minor: string) => [`PnpFunction: ${minor}`, `PnpFilter: ${minor}`];
    assert.deepEqual(printed.slice(2), [
      'PnpFilter: AddDevice',
      'PnpFunction: AddDevice',
      ...up('IRP_MN_START_DEVICE'),
      'PnpFilter: IRP_MN_START_DEVICE completed 0x0',
      ...QUERIES.flatMap(up),
      ...up('IRP_MN_QUERY_REMOVE_DEVICE'),
      ...up('IRP_MN_REMOVE_DEVICE'),
      'PnpFunction: DriverUnload',
      'PnpFilter: DriverUnload',
    ]);
    assert.equal(outcome.leakCount, 0);
  });
}

test('the Enum key names the filters (UpperFilters, LowerFilters) while the device is there', async () => {
  const { outcome } = await run(SAMPLES.ts.fn, { filters: [SAMPLES.c.filter], unload: false, shutdown: false });
  const key = outcome.machine.kernel.cm.hive.lookup(`${ENUM_PATH}\\ROOT\\SYSTEM\\0000`)!;
  assert.deepEqual(multiSzStrings(key.value('UpperFilters')!.data), ['PnpFilter']);
  assert.equal(key.value('LowerFilters'), undefined);
});
