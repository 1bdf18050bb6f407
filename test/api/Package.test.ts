/**
 * The package a user installs: `npm pack` (which compiles the library to dist/ with its .d.ts), installed into
 * an empty folder, imported by name from plain JavaScript with no TypeScript runtime, and its `dv` command run.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('npm pack gives a package that installs in an empty folder, imports by name with its types, and runs dv', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-pack-'));
  execFileSync(npm, ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote no tarball');

  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-driver-tests', private: true, type: 'module' }));
  execFileSync(npm, ['install', join(dir, tgz), '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  const pkg = join(app, 'node_modules', 'driver-verifier');
  assert.ok(existsSync(join(pkg, 'dist', 'api', 'index.d.ts')), 'the types are in the package');

  writeFileSync(
    join(app, 'leak.test.mjs'),
    `import { test } from 'node:test';
import { join } from 'node:path';
import { runScenario, expectBugCheck, SAMPLES } from 'driver-verifier';
test('MyDriver leaks at unload', async () => {
  const run = await runScenario({ steps: [{ load: join(SAMPLES, 'c', 'MyDriver', 'MyDriver.wasm') }, { open: '\\\\Device\\\\MyDriver' }, { ioctl: { code: 0x222003, input: '4d79' } }, 'close', { unload: { expect: { bugcheck: '0xC4/0x62' } } }] });
  expectBugCheck(run, 0xc4, 0x62);
  if (!run.ok || run.leaks.length === 0 || !run.analysis().includes('DRIVER_VERIFIER_DETECTED_VIOLATION (c4)')) throw new Error('unexpected run');
});
`,
  );
  // A test run of the user's own: not a child of this one (node:test marks its children with NODE_TEST_CONTEXT).
  const { NODE_TEST_CONTEXT: _ours, ...env } = process.env;
  const t = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'leak.test.mjs'], { cwd: app, encoding: 'utf8', env });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /# pass 1/);

  const dv = spawnSync(process.execPath, [join(pkg, 'bin', 'dv.js'), 'run', join(pkg, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm'), '--ioctl', '222003:4d79'], { cwd: app, encoding: 'utf8' });
  assert.equal(dv.status, 1, dv.stdout + dv.stderr);
  assert.match(dv.stdout, /0x00000062/);
});
