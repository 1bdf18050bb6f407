/**
 * `dv run --ioctl/--read/--write/--open`: requests in the order typed across the three options, a
 * line each, the JSON's `requests`; bad values are usage errors (exit 2) before anything runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { inOrder, parseOpenName, parseReadLength, parseWriteData, requestParsers } from '../../src/cli/requests.ts';
import { ROOT, fixture } from '../helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-requests-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the three options share one sequence: sorted by it, the requests come out as typed', () => {
  const p = requestParsers();
  let ioctls = p.ioctl('222003', []);
  let reads = p.read('10', []);
  const writes = p.write('aabb', []);
  ioctls = p.ioctl('222007::4', ioctls);
  reads = p.read('0n3', reads);
  assert.deepEqual(
    inOrder(ioctls, reads, writes).map((r) => (r.kind === 'ioctl' ? `ioctl ${r.code.toString(16)}` : r.kind === 'read' ? `read ${r.length}` : `write ${Buffer.from(r.data).toString('hex')}`)),
    ['ioctl 222003', 'read 16', 'write aabb', 'ioctl 222007', 'read 3'],
  );
});

test('bad --read, --write and --open values are refused with the rule', () => {
  assert.throws(() => parseReadLength('100001'), (e) => e instanceof InvalidArgumentError && /not a byte count up to 0x100000/.test(e.message));
  assert.throws(() => parseReadLength('x'), InvalidArgumentError);
  assert.throws(() => parseWriteData('abc'), /'abc' is not hex bytes/);
  assert.deepEqual([...parseWriteData('')], []);
  for (const ok of ['\\Device\\X', '\\??\\X', '\\DosDevices\\X', '\\\\.\\X']) assert.equal(parseOpenName(ok), ok);
  for (const bad of ['X', '\\Device\\', 'C:\\X', '\\\\server\\share']) assert.throws(() => parseOpenName(bad), /is not a device name/, bad);
});

test('dv run prints a line per request, in command-line order, and writes them to the JSON', () => {
  const json = join(tmp, 'out.json');
  const r = dv(['run', fixture('ReadWrite.ts'), '--open', '\\\\.\\RwLink', '--write', '0a0b', '--ioctl', '222005', '--read', '4', '--json', json]);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.deepEqual(r.out.split('\n').slice(0, 3), [
    'IRP_MJ_WRITE (2 bytes) -> STATUS_SUCCESS, 2 bytes',
    'IOCTL 0x00222005 -> STATUS_INVALID_DEVICE_REQUEST, 0 bytes',
    'IRP_MJ_READ (4 bytes) -> STATUS_SUCCESS, 2 bytes: 0a0b',
  ]);
  const written = JSON.parse(readFileSync(json, 'utf8')) as { open: unknown; requests: Array<{ major: string; output: string }> };
  assert.deepEqual(written.open, { name: '\\??\\RwLink', status: '0x0' });
  assert.deepEqual(written.requests.map((q) => [q.major, q.output]), [
    ['IRP_MJ_WRITE', ''],
    ['IRP_MJ_DEVICE_CONTROL', ''],
    ['IRP_MJ_READ', '0a0b'],
  ]);
});

test('dv run --open of a missing device: a line says so, the driver still unloads, exit 0', () => {
  const r = dv(['run', fixture('ReadWrite.ts'), '--open', '\\??\\Nope', '--read', '4']);
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.match(r.out, /^opening \\\?\?\\Nope failed: STATUS_OBJECT_NAME_NOT_FOUND; the 1 request was not sent$/m);
  assert.match(r.out, /unloaded clean/);
});

test('dv run with a bad --open or --write is exit 2 with the message, and nothing runs', () => {
  for (const args of [['--open', 'RwLink'], ['--write', 'xyz'], ['--read', '-1']]) {
    const r = dv(['run', fixture('ReadWrite.ts'), ...args]);
    assert.equal(r.code, EXIT.USAGE, args.join(' '));
    assert.equal(r.out, '', 'nothing ran');
    assert.match(r.err, /error: option/);
  }
});
