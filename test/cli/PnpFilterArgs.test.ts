/**
 * `dv run --filter DRIVER` / `--lower-filter DRIVER`: the filter's lines in the run's output, in the
 * order the stack sees the IRPs; a missing filter file, a filter without AddDevice and --filter with
 * --no-pnp are usage errors (exit 2, a message, no stack trace).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const PNP_FUNCTION = join('drivers', 'ts', 'pnp', 'PnpFunction.ts');
const PNP_FILTER = join('drivers', 'c', 'pnp', 'PnpFilter', 'PnpFilter.wasm');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --filter: the C filter above the TS function driver sees START first and its completion after; the IOCTL passes through', () => {
  const r = dv(['run', PNP_FUNCTION, '--filter', PNP_FILTER, '--ioctl', '222400:41424344:4']);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  const lines = r.out.split('\n');
  const at = (l: string) => lines.indexOf(l);
  assert.ok(at('PnpFilter: IRP_MN_START_DEVICE') >= 0 && at('PnpFilter: IRP_MN_START_DEVICE') < at('PnpFunction: IRP_MN_START_DEVICE'), r.out);
  assert.ok(at('PnpFunction: IRP_MN_START_DEVICE') < at('PnpFilter: IRP_MN_START_DEVICE completed 0x0'), r.out);
  assert.ok(lines.includes('IOCTL 0x00222400 -> STATUS_SUCCESS, 4 bytes'), r.out);
  assert.ok(at('PnpFilter: DriverUnload') > at('PnpFunction: DriverUnload'), r.out);
});

test('a missing filter, a filter without AddDevice and --filter with --no-pnp are usage errors', () => {
  const cases: [string[], RegExp][] = [
    [['--filter', 'NoSuchFilter.wasm'], /filter driver NoSuchFilter\.wasm not found/],
    [['--lower-filter', 'NoSuchFilter.ts'], /filter driver NoSuchFilter\.ts not found/],
    [['--filter', join('drivers', 'ts', 'MyDriverClean.ts')], /MyDriverClean\.sys set no AddDevice routine in DriverEntry: it cannot be a filter of the device/],
    [['--no-pnp', '--filter', PNP_FILTER], /--filter needs a PnP run, and --no-pnp was given/],
  ];
  for (const [args, message] of cases) {
    const r = dv(['run', PNP_FUNCTION, ...args]);
    assert.equal(r.code, EXIT.USAGE, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
});
