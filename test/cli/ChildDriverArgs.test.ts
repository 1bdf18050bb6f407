/**
 * `dv run BUS --child-driver HWID=FILE`: the child devnodes' lines name them, the JSON lists the
 * children with their IRPs; a malformed or missing --child-driver is a usage error (exit 2, a message,
 * no stack trace), as is --child-driver with --no-pnp.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-bus-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const BUS = join('drivers', 'ts', 'pnp', 'PnpBus.ts');
const CHILD = join('drivers', 'ts', 'pnp', 'PnpChild.ts');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --child-driver: a child is unplugged by an IOCTL; its lines name it, and the JSON lists both children', () => {
  const json = join(tmp, 'bus.json');
  const r = dv(['run', BUS, '--child-driver', `PnpBus\\PnpChild=${CHILD}`, '--ioctl', '2A2400:01000000', '--json', json]);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  const child1 = 'PNPBUS\\PNPCHILD\\1&4f266a5a&0&1';
  const lines = r.out.split('\n');
  assert.ok(lines.includes(`AddDevice(${child1}, PDO \\Device\\00000003) -> STATUS_SUCCESS`), r.out);
  assert.deepEqual(
    lines.filter((l) => l.startsWith(`${child1}: `)).slice(-2),
    [`${child1}: IRP_MN_SURPRISE_REMOVAL -> STATUS_SUCCESS`, `${child1}: IRP_MN_REMOVE_DEVICE -> STATUS_SUCCESS`],
  );
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    out.pnp.children.map((c: { instancePath: string; service: string; state: string }) => [c.instancePath, c.service, c.state]),
    [
      ['PNPBUS\\PNPCHILD\\1&4f266a5a&0&0', 'PnpChild', 'DeviceNodeDeleted'],
      [child1, 'PnpChild', 'DeviceNodeDeleted'],
    ],
  );
  assert.deepEqual(out.pnp.children[0].irps[0], { minor: 'IRP_MN_QUERY_ID', detail: 'BusQueryDeviceID', status: '0x0', information: out.pnp.children[0].irps[0].information });
  assert.equal(out.leakCount, 0);
});

test('a malformed or missing --child-driver, or one with --no-pnp, is a usage error', () => {
  const cases: [string[], RegExp][] = [
    [['--child-driver', 'NoEqualsSign'], /'NoEqualsSign' is not HWID=FILE/],
    [['--child-driver', `=${CHILD}`], /is not HWID=FILE/],
    [['--child-driver', 'PnpBus\\PnpChild=missing.ts'], /missing\.ts: no such driver file/],
    [['--no-pnp', '--child-driver', `PnpBus\\PnpChild=${CHILD}`], /--child-driver needs a PnP run, and --no-pnp was given/],
  ];
  for (const [args, message] of cases) {
    const r = dv(['run', BUS, ...args]);
    assert.equal(r.code, EXIT.USAGE, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
});
