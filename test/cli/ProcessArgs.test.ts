/** `dv run --process NAME[:ARGS]` and `--open-process NAME:ACCESS`: parsing, and the run's lines for each process event. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseOpenProcess, parseProcess, processRequests } from '../../src/cli/process-args.ts';
import { ROOT } from '../helpers.ts';

const dv = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('--process splits at the first colon (the command line may hold more); --open-process reads ACCESS as hex', () => {
  assert.deepEqual(parseProcess('cmd.exe:/c copy C:\\a C:\\b'), [{ image: 'cmd.exe', commandLine: '/c copy C:\\a C:\\b' }]);
  assert.deepEqual(parseProcess('notepad.exe'), [{ image: 'notepad.exe', commandLine: '' }]);
  assert.throws(() => parseProcess(':x'), /'' is not an image name/);
  assert.throws(() => parseProcess('a b.exe'), /is not an image name/);
  assert.deepEqual(parseOpenProcess('notepad.exe:1fffff'), [{ image: 'notepad.exe', access: 0x1fffff }]);
  assert.throws(() => parseOpenProcess('notepad.exe'), /is not NAME:ACCESS/);
  assert.deepEqual(processRequests(parseProcess('a.exe'), parseOpenProcess('A.EXE:1', parseOpenProcess('a.exe:0n16'))), [{ image: 'a.exe', commandLine: '', open: [16, 1] }]);
  assert.throws(() => processRequests([], parseOpenProcess('a.exe:1')), /no --process a\.exe to open/);
});

test('dv run --process: each event is a line; the driver\'s DbgPrint lines show what its routines saw; the JSON lists the processes', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'dv-ps-')), 'out.json');
  const r = dv('run', 'test/fixtures/drivers/ProcessMonitor.ts', '--process', 'notepad.exe:a.txt', '--process', 'denied.exe', '--open-process', 'notepad.exe:1fffff', '--json', json);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^process notepad\.exe a\.txt -> pid (\d+) \(0x[0-9a-f]+\)$/m);
  assert.match(r.out, /^OpenProcess\(pid \d+, 0x1fffff\) -> granted 0x1fffff$/m);
  assert.match(r.out, /^process denied\.exe -> denied: STATUS_ACCESS_DENIED$/m);
  assert.match(r.out, /^ProcessMonitor: create pid \d+ parent \d+ by \d+\.\d+ image \\Device\\HarddiskVolume1\\Windows\\System32\\notepad\.exe command notepad\.exe a\.txt name notepad\.exe$/m);
  assert.match(r.out, /^process notepad\.exe \(pid \d+\) exited$/m);
  const outcome = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    outcome.processes.map((p: { image: string; status: string; opens: unknown[] }) => [p.image, p.status, p.opens.length]),
    [['notepad.exe', '0x0', 1], ['denied.exe', '0xc0000022', 0]],
  );
});

test('dv run --open-process naming no --process is a usage error: exit 2, nothing runs', () => {
  const r = dv('run', 'test/fixtures/drivers/ProcessMonitor.ts', '--open-process', 'calc.exe:1');
  assert.equal(r.code, 2);
  assert.equal(r.err, 'dv: --open-process calc.exe: no --process calc.exe to open\n');
  assert.equal(r.out, '');
});
