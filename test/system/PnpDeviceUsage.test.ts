/**
 * IRP_MN_DEVICE_USAGE_NOTIFICATION (dv run --device-usage): after the start the PnP manager tells the
 * stack a special file is on the device (InPath TRUE) and, before an orderly removal, that it is gone
 * (InPath FALSE); the root PDO succeeds it. The PnpFilter sample (TS and C) handles a paging file as a
 * storage filter must: it counts paging files and keeps DO_POWER_PAGABLE right (cleared once the stack
 * succeeded the first one, set again before the last one goes down); other files pass straight down.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { parseResourceSpec } from '../../src/kernel/pnp/resources.ts';
import { deviceStack } from '../../src/kernel/io/stack.ts';
import { DO } from '../../src/nt/io.ts';
import { DEVICE_OBJECT } from '../../src/nt/layout.ts';
import { DEVICE_USAGES } from '../../src/nt/pnp.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const FILTERS = {
  ts: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFilter.ts'),
  c: join(ROOT, 'drivers', 'c', 'pnp', 'PnpFilter', 'PnpFilter.wasm'),
} as const;
const FUNCTION = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts');
const DEVICE = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpDevice.ts');

for (const [lang, filter] of Object.entries(FILTERS)) {
  test(`${lang} filter: --device-usage paging sends InPath TRUE after the start and FALSE before the removal, each down the whole stack`, async () => {
    const printed: string[] = [];
    const outcome = await runDriver({ driver: FUNCTION, verifierFlags: STANDARD_FLAGS, filters: [filter], deviceUsage: 'paging', requests: [], onDebugPrint: (l) => printed.push(l.trim()) });
    assert.equal(outcome.bugCheck, null);
    const usage = outcome.pnp!.irps.filter((i) => i.name === 'IRP_MN_DEVICE_USAGE_NOTIFICATION').map((i) => [i.detail, i.status]);
    assert.deepEqual(usage, [['DeviceUsageTypePaging, InPath TRUE', STATUS.SUCCESS], ['DeviceUsageTypePaging, InPath FALSE', STATUS.SUCCESS]]);
    const names = outcome.pnp!.irps.map((i) => i.name);
    assert.equal(names.indexOf('IRP_MN_DEVICE_USAGE_NOTIFICATION'), names.indexOf('IRP_MN_QUERY_DEVICE_RELATIONS') + 1, 'after the start');
    assert.equal(names.lastIndexOf('IRP_MN_DEVICE_USAGE_NOTIFICATION'), names.indexOf('IRP_MN_QUERY_REMOVE_DEVICE') - 1, 'before the removal');
    assert.deepEqual(printed.filter((l) => l.includes('USAGE')), [
      'PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION',
      'PnpFunction: IRP_MN_DEVICE_USAGE_NOTIFICATION',
      'PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION completed 0x0, paging files 1',
      'PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION',
      'PnpFunction: IRP_MN_DEVICE_USAGE_NOTIFICATION',
      'PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION completed 0x0, paging files 0',
    ]);
    assert.equal(outcome.leakCount, 0);
  });

  test(`${lang} filter: in the paging path its device is not pageable; the last paging file gone, it is again; a hibernation file passes down untouched`, async () => {
    const printed: string[] = [];
    const outcome = await runDriver({
      driver: DEVICE,
      verifierFlags: STANDARD_FLAGS,
      filters: [filter],
      resources: parseResourceSpec('mem:0xfe000000:0x1000,irq:5'),
      deviceUsage: 'paging',
      requests: [],
      unload: false,
      shutdown: false,
      onDebugPrint: (l) => printed.push(l.trim()),
    });
    assert.equal(outcome.bugCheck, null);
    const k = outcome.machine.kernel;
    const node = k.pnp.devnodes()[0]!;
    const [top, fdo] = deviceStack(k, node.pdo);
    const pageable = (d: number) => (k.as.u32(d + DEVICE_OBJECT.off.Flags) & DO.POWER_PAGABLE) !== 0;
    assert.equal(pageable(fdo!), true, 'PnpDevice\'s FDO is pageable (it handles no paging file itself)');
    assert.equal(pageable(top!), false, 'the filter, with a paging file on the device, is not');
    assert.equal(k.pnp.deviceUsageNotification(node, DEVICE_USAGES.hibernation, true).status, STATUS.SUCCESS);
    assert.equal(pageable(top!), false);
    assert.ok(!printed.some((l) => /completed .*paging files 2/.test(l)), 'a hibernation file is not a paging file');
    assert.equal(k.pnp.deviceUsageNotification(node, DEVICE_USAGES.paging, false).status, STATUS.SUCCESS);
    assert.equal(pageable(top!), true, 'no paging file left: pageable again');
  });
}

test('--device-usage takes paging, hibernation or dumpfile; anything else is a usage error', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', FUNCTION, '--device-usage', 'swap'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, EXIT.USAGE);
  assert.match(r.stderr, /--device-usage.*'swap' is invalid\. Allowed choices are paging, hibernation, dumpfile/);
});
