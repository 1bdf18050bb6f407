/**
 * TypeScript drivers run isolated from the host: a vm context with the DDI table and nothing of
 * Node. Reaching for the host is refused at load naming the line, or (by a computed name the check
 * cannot see) is the driver's own exception; either way dv ends, with the right exit code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { sourceLine } from '../../src/kernel/symbols.ts';
import { DriverSourceError } from '../../src/loader/ts/source.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, fixture, hex } from '../helpers.ts';

const isolated = (name: string) => fixture(join('isolation', name));
const shown = (name: string) => `test/fixtures/drivers/isolation/${name}`;
const HOST = 'is not available to a driver: a driver may use only the DDI table';
const IMPORT = 'is not available to a driver: a driver may import only its own files and the DDK, by relative path';

/** dv as a user runs it. spawnSync returns only when the process has exited: a driver that kept it alive would hang here. */
function dv(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

const refusals: Array<[driver: string, message: string]> = [
  ['StartsTimer.ts', `${shown('StartsTimer.ts')}(6): setInterval ${HOST} (see KeSetTimerEx)`],
  // A computed name that is a constant is folded by the bundler: the same reference, refused the same way.
  ['ReachesProcessByConstant.ts', `${shown('ReachesProcessByConstant.ts')}(6): process ${HOST}`],
  ['ImportsNodeFs.ts', `${shown('ImportsNodeFs.ts')}(2): import of 'node:fs' ${IMPORT}`],
  ['ImportsPackage.ts', `${shown('ImportsPackage.ts')}(3): import of 'acorn' ${IMPORT}`],
  // The files a driver imports are checked as its own are, and named in the message.
  ['UsesHostHelper.ts', `${shown('lib/host-helper.ts')}(4): Buffer ${HOST}`],
  ['UsesNodeHelper.ts', `${shown('lib/node-helper.ts')}(2): import of 'node:os' ${IMPORT}`],
  ['ImportsMissingFile.ts', `${shown('ImportsMissingFile.ts')}(4): Could not resolve "./lib/does-not-exist.ts"`],
];

for (const [driver, message] of refusals) {
  test(`${driver} cannot load: ${message.slice(message.indexOf(': ') + 2)}`, async () => {
    await assert.rejects(runDriver({ driver: isolated(driver), verifierFlags: STANDARD_FLAGS, ioctls: [] }), (e: unknown) => {
      assert.ok(e instanceof DriverSourceError, String(e));
      assert.equal(e.message, message);
      return true;
    });
  });
}

test('dv run of a driver that starts setInterval: refused at load, exit 2, one line naming the line, and dv ends', () => {
  const r = dv(['run', 'test/fixtures/drivers/isolation/StartsTimer.ts']);
  assert.equal(r.signal, null);
  assert.equal(r.code, EXIT.USAGE, r.err);
  assert.equal(r.err, `dv: ${shown('StartsTimer.ts')}(6): setInterval ${HOST} (see KeSetTimerEx)\n`);
  assert.equal(r.out, '');
});

test('a driver reaching process by a name computed at run time gets the host-exception bug check at its line', async () => {
  const r = await runDriver({ driver: isolated('ReachesProcess.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x1e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc0000144');
  assert.equal(r.dump.context!.exception!.message, "TypeError: Cannot read properties of undefined (reading 'exit')");
  const at = sourceLine(r.dump.modules, r.bugCheck!.params[1]!);
  assert.equal(at?.file, shown('ReachesProcess.ts'));
  assert.equal(at?.line, 7, 'Arg2 is the line that used what it found');
});

test('dv run of a driver reaching process: exit 1 (its bug check), and dv ends', () => {
  const r = dv(['run', 'test/fixtures/drivers/isolation/ReachesProcess.ts']);
  assert.equal(r.signal, null);
  assert.equal(r.code, EXIT.BUGCHECK, r.err);
  assert.match(r.out, /\*\*\* Fatal System Error: 0x0000001e/);
  assert.doesNotMatch(r.err, /^\s+at /m);
});

test("a stack overflow in the driver's own realm is STATUS_STACK_OVERFLOW, not a generic host exception", async () => {
  const r = await runDriver({ driver: isolated('Recurses.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x1e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc00000fd');
  assert.equal(r.dump.context!.exception!.message, 'RangeError: Maximum call stack size exceeded');
});

test('a driver in several files loads: its helpers are bundled, locals named like host globals are its own, its byte arrays cross into the kernel', async () => {
  const prints: string[] = [];
  const r = await runDriver({ driver: isolated('UsesHelpers.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l) });
  assert.equal(r.bugCheck, null);
  assert.ok(r.unloaded);
  // DriverEntry fails unless the Uint8Array made in the driver's realm came back from pool intact.
  assert.deepEqual(prints, ['UsesHelpers: checksum aff27338']);
});

test('loading a TS driver writes nothing under the temp folder (no driver-verifier-ts cache)', (t) => {
  const fresh = mkdtempSync(join(tmpdir(), 'dv-isolation-tmp-'));
  t.after(() => rmSync(fresh, { recursive: true, force: true }));
  const r = dv(['run', 'drivers/ts/MyDriverClean.ts'], { ...process.env, TMPDIR: fresh, TMP: fresh, TEMP: fresh });
  assert.equal(r.code, EXIT.CLEAN, r.err);
  assert.ok(!existsSync(join(fresh, 'driver-verifier-ts')));
  // tsx, which runs dv's own sources, keeps its cache there: nothing else may appear.
  assert.deepEqual(readdirSync(fresh).filter((n) => !n.startsWith('tsx-')), []);
});
