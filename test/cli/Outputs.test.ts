/**
 * --dump and --json: checked before the machine boots (nothing runs when an output cannot be
 * written), written whole, and never left holding an earlier run's verdict.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { checkOutputs, OutputError, removeStale, writeAtomically } from '../../src/cli/outputs.ts';
import { ROOT } from '../helpers.ts';

const dv = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'dv-outputs-'));
const LEAKY = ['--ioctl', '222003:4d79:8'];
const CLEAN = 'drivers/ts/MyDriverClean.ts';
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?\n/);

/** A run refused before boot: exit 2, the message, and no line of the run (no DbgPrint, no verdict). */
function refused(args: string[], message: RegExp): void {
  const r = dv('run', ...args);
  assert.equal(r.code, EXIT.USAGE, `${args.join(' ')}: ${r.out}${r.err}`);
  assert.match(r.err, message);
  assert.equal(r.out, '', 'nothing ran');
  noStack(r.err);
}

test('a missing --dump or --json folder is refused before the run (it was a raw trace after the verdict, exit 1)', () => {
  refused([CLEAN, '--dump', join(tmp, 'no', 'such', 'x.dmp')], /^dv: --dump .*x\.dmp: the folder .*no\/such does not exist\n$/);
  refused([CLEAN, '--json', join(tmp, 'none', 'x.json')], /^dv: --json .*x\.json: the folder .*none does not exist\n$/);
});

test('an unwritable folder, or a folder given as the file, is refused before the run', { skip: process.getuid?.() === 0 ? 'running as root: every folder is writable' : false }, () => {
  const ro = join(tmp, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  refused([CLEAN, '--json', join(ro, 'x.json')], /the folder .*ro is not writable/);
});

test('a folder named as the output file, or a file named as its folder, is refused', () => {
  refused([CLEAN, '--dump', tmp], /^dv: --dump .* is a folder: name a file\n$/);
  const file = join(tmp, 'plain');
  writeFileSync(file, '');
  refused([CLEAN, '--json', join(file, 'x.json')], /^dv: --json .*plain\/x\.json: .*plain is not a folder\n$/);
});

test('--dump and --json naming the same file, even through a symbolic link, are refused', () => {
  const same = join(tmp, 'same.out');
  refused([CLEAN, '--dump', same, '--json', same], /^dv: --dump and --json name the same file/);
  const link = join(tmp, 'link');
  symlinkSync(tmp, link);
  refused([CLEAN, '--dump', join(tmp, 'x.out'), '--json', join(link, 'x.out')], /--dump and --json name the same file/);
});

test('an output that is the driver being run is refused; the driver is untouched', () => {
  const copy = join(tmp, 'MyDriver.ts');
  writeFileSync(copy, readFileSync(join(ROOT, 'drivers', 'ts', 'MyDriver.ts')).toString().replace(/'\.\.\/\.\.\/ddk\//g, `'${ROOT}/ddk/`));
  const before = readFileSync(copy, 'utf8');
  refused([copy, '--json', copy], /^dv: --json .*MyDriver\.ts is the driver being run: it would be overwritten\n$/);
  refused([copy, ...LEAKY, '--dump', join(tmp, '.', 'MyDriver.ts')], /--dump .* is the driver being run/);
  assert.equal(readFileSync(copy, 'utf8'), before);
});

test('a clean run removes a stale dump at the --dump path and says so; a bug check writes it with a quoted hint', () => {
  const dir = join(tmp, 'with space');
  mkdirSync(dir);
  const dump = join(dir, 'run.dmp');
  const crashed = dv('run', 'drivers/ts/MyDriver.ts', ...LEAKY, '--dump', dump);
  assert.equal(crashed.code, EXIT.BUGCHECK);
  assert.ok(existsSync(dump));
  assert.ok(crashed.out.includes(`Crash dump written to ${dump}; open it with: dv kd -z '${dump}'\n`), crashed.out);
  const clean = dv('run', CLEAN, '--dump', dump);
  assert.equal(clean.code, EXIT.CLEAN, clean.err);
  assert.ok(clean.out.includes(`No crash dump: the machine did not stop; removed ${dump}, left by an earlier run.\n`), clean.out);
  assert.ok(!existsSync(dump), 'the stale dump is gone');
  const again = dv('run', CLEAN, '--dump', dump);
  assert.doesNotMatch(again.out, /removed/, 'nothing to remove, nothing said');
});

test('a run that fails (the driver cannot load) leaves no earlier outputs behind', () => {
  const json = join(tmp, 'old.json');
  const dump = join(tmp, 'old.dmp');
  writeFileSync(json, '{"bugcheck":null}\n');
  writeFileSync(dump, 'old');
  const r = dv('run', 'drivers/ts/Nope.ts', '--json', json, '--dump', dump);
  assert.equal(r.code, EXIT.USAGE);
  assert.ok(!existsSync(json) && !existsSync(dump));
  assert.match(r.err, /dv: removed .*old\.dmp, left by an earlier run: this run wrote no dump\n/);
  assert.match(r.err, /dv: removed .*old\.json, left by an earlier run: this run wrote no json\n/);
});

test('outputs are written whole through a temp file in the same folder, which does not stay behind', () => {
  const dir = mkdtempSync(join(tmp, 'atomic-'));
  const file = join(dir, 'out.json');
  writeFileSync(file, 'old');
  writeAtomically(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['out.json']);
  assert.throws(() => writeAtomically(join(dir, 'gone', 'x'), 'y'), (e) => e instanceof OutputError && /cannot write .*gone\/x/.test(e.message));
  assert.deepEqual(readdirSync(dir), ['out.json']);
});

test('checkOutputs: distinct writable outputs pass', () => {
  checkOutputs([{ option: '--dump', path: join(tmp, 'a.dmp') }, { option: '--json', path: join(tmp, 'a.json') }], [{ option: 'driver', path: join(ROOT, 'drivers', 'ts', 'MyDriver.ts') }]);
});

test('a device or a pipe as an output (/dev/stdout, a FIFO) is written in place, never renamed over or removed', () => {
  const fifo = join(tmp, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.equal(removeStale(fifo), false, 'a clean run does not remove it');
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    writeAtomically(fifo, '{"bugcheck":null}\n');
    const buffer = Buffer.alloc(64);
    assert.equal(buffer.toString('utf8', 0, readSync(reader, buffer)), '{"bugcheck":null}\n');
  } finally {
    closeSync(reader);
  }
  assert.ok(statSync(fifo).isFIFO(), 'still the FIFO');
  // Through `| cat`, so dv's stdout is a pipe (a socket, as spawnSync gives, cannot be opened by name).
  const r = spawnSync('sh', ['-c', `"$0" bin/dv.js run ${CLEAN} --json /dev/stdout | cat`, process.execPath], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /"bugcheck": null/);
  assert.match(r.stdout, /MyDriverClean\.sys: no bug check/);
});

test('an empty output name is refused', () => {
  refused([CLEAN, '--json', ''], /^dv: --json needs a file name\n$/);
});
