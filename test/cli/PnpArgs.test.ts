/**
 * `dv run --pnp/--no-pnp/--hardware-id/--remove/--surprise-remove/--stop-start/--sleep`: the PnP IRP lines of a
 * run and its JSON's `pnp`; contradictory options and --pnp for a driver without AddDevice are usage
 * errors (exit 2, a message, no stack trace).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-pnp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const PNP_FUNCTION = join('drivers', 'ts', 'pnp', 'PnpFunction.ts');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --surprise-remove --hardware-id: the PnP lines in order, and the JSON has the device and its IRPs', () => {
  const json = join(tmp, 'pnp.json');
  const r = dv(['run', PNP_FUNCTION, '--surprise-remove', '--hardware-id', 'Root\\Sample', '--ioctl', '222400:41424344:4', '--json', json]);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  const pnpLines = r.out.split('\n').filter((l) => /^(AddDevice|IRP_MN_|IOCTL)/.test(l));
  assert.deepEqual(pnpLines, [
    'AddDevice(ROOT\\SYSTEM\\0000, PDO \\Device\\00000001) -> STATUS_SUCCESS',
    'IRP_MN_START_DEVICE -> STATUS_SUCCESS',
    'IRP_MN_QUERY_CAPABILITIES -> STATUS_SUCCESS',
    'IRP_MN_QUERY_PNP_DEVICE_STATE -> STATUS_SUCCESS',
    'IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations) -> STATUS_NOT_SUPPORTED',
    'IOCTL 0x00222400 -> STATUS_SUCCESS, 4 bytes',
    'IRP_MN_SURPRISE_REMOVAL -> STATUS_SUCCESS',
    'IRP_MN_REMOVE_DEVICE -> STATUS_SUCCESS',
  ]);
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(out.pnp.instancePath, 'ROOT\\SYSTEM\\0000');
  assert.deepEqual(out.pnp.hardwareIds, ['Root\\Sample']);
  assert.deepEqual(out.pnp.irps.map((i: { minor: string }) => i.minor).slice(-2), ['IRP_MN_SURPRISE_REMOVAL', 'IRP_MN_REMOVE_DEVICE']);
  assert.equal(out.pnp.state, 'DeviceNodeDeleted');
});

test('contradictory PnP options and --pnp for a driver without AddDevice are usage errors', () => {
  const cases: [string[], RegExp][] = [
    [['--remove', '--surprise-remove'], /--remove and --surprise-remove exclude each other/],
    [['--no-pnp', '--stop-start'], /--stop-start needs a PnP run, and --no-pnp was given/],
    [['--no-pnp', '--sleep'], /--sleep needs a PnP run, and --no-pnp was given/],
  ];
  for (const [args, message] of cases) {
    const r = dv(['run', PNP_FUNCTION, ...args]);
    assert.equal(r.code, EXIT.USAGE, args.join(' '));
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
  const legacy = dv(['run', join('drivers', 'ts', 'MyDriverClean.ts'), '--pnp']);
  assert.equal(legacy.code, EXIT.USAGE);
  assert.match(legacy.err, /MyDriverClean\.sys set no AddDevice routine in DriverEntry: it cannot run under the PnP manager/);
});
