/**
 * `dv run --resources SPEC`: the resources line before START with the HAL's vector and DIRQL, the
 * sample's ring answered; a bad SPEC, or --resources with --no-pnp, is a usage error (exit 2) naming
 * the part, with no stack trace and nothing run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const DRIVER = join('drivers', 'ts', 'pnp', 'PnpResources.ts');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --resources: the resources line, then START, and the ring completes', () => {
  const r = dv(['run', DRIVER, '--resources', 'mem:0xfe000000:0x1000,port:0x300:8,irq:5', '--ioctl', '222404::16']);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  const lines = r.out.split('\n').filter((l) => /^(resources|IRP_MN_START|IOCTL)/.test(l));
  assert.deepEqual(lines, [
    'resources: mem 0xfe000000-0xfe000fff, port 0x300-0x307, irq 5 (vector 0x35, DIRQL 22)',
    'IRP_MN_START_DEVICE -> STATUS_SUCCESS',
    'IOCTL 0x00222404 -> STATUS_SUCCESS, 16 bytes',
  ]);
});

test('a bad --resources SPEC, or --resources without PnP, is a usage error naming the part', () => {
  const cases: [string[], RegExp][] = [
    [['--resources', 'mem:0xfe000000:0x1000,irq:99'], /--resources: 'irq:99': the IRQ must be 1 to 15/],
    [['--resources', 'mem:0xfe000000'], /--resources: 'mem:0xfe000000': expected mem:BASE:LENGTH/],
    [['--resources', 'dma:1'], /--resources: 'dma:1': unknown resource type/],
    [['--no-pnp', '--resources', 'irq:5'], /--resources needs a PnP run, and --no-pnp was given/],
  ];
  for (const [args, message] of cases) {
    const r = dv(['run', DRIVER, ...args]);
    assert.equal(r.code, EXIT.USAGE, args.join(' '));
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    assert.equal(r.out, '', 'nothing ran');
  }
});
