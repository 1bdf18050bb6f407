/**
 * The compiled `dv` (src/build/cli-bundle.ts, npm's prepare) does what the sources do, and bin/dv.js runs it
 * only while it is up to date. The bundle is built into a copy of the repository's top level in a temporary
 * folder (bin/ copied, the rest linked), so the checkout's own dist/ is never touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleCli, CLI_BUNDLE_DIR, CLI_STAMP } from '../../src/build/cli-bundle.ts';
import { freshBundle } from '../../bin/dist-fresh.js';
import { ROOT } from '../helpers.ts';

const copy = mkdtempSync(join(tmpdir(), 'dv-bundle-'));
const stampFile = join(copy, CLI_BUNDLE_DIR, CLI_STAMP);
let stamp: { builtAt: number; inputs: string[] };

before(async () => {
  for (const f of ['package.json', 'src', 'drivers', 'ddk', 'node_modules', 'docs']) symlinkSync(join(ROOT, f), join(copy, f));
  mkdirSync(join(copy, 'bin'));
  for (const f of ['dv.js', 'dist-fresh.js']) copyFileSync(join(ROOT, 'bin', f), join(copy, 'bin', f));
  stamp = await bundleCli(copy);
});
after(() => rmSync(copy, { recursive: true, force: true }));

/** bin/dv.js of the copy: the bundle when it is fresh (DV_SOURCES unset), the sources with DV_SOURCES=1. */
function dv(args: string[], sources: boolean) {
  const { DV_SOURCES: _tests, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(copy, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: sources ? { ...env, DV_SOURCES: '1' } : env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the stamp names the CLI sources the bundle holds, repository-relative, and no package', () => {
  assert.ok(stamp.inputs.includes('src/cli/main.ts') && stamp.inputs.includes('src/kernel/kernel.ts'), stamp.inputs.slice(0, 5).join(', '));
  assert.ok(stamp.inputs.every((f) => f.startsWith('src/')), stamp.inputs.filter((f) => !f.startsWith('src/')).join(', '));
  assert.equal(freshBundle(copy + '/'), join(copy, CLI_BUNDLE_DIR, 'dv.js'));
});

for (const args of [['--help'], ['demo'], ['run', '--help'], ['run'], ['run', 'drivers/ts/MyDriver.ts', '--memory', '3K'], ['kd', '-z', 'no-such.dmp']]) {
  test(`dv ${args.join(' ')}: the bundle prints and exits as the sources do`, () => {
    const compiled = dv(args, false);
    const sources = dv(args, true);
    // The bundle reaches drivers/ through the copy's link, the sources (resolved to the checkout) directly.
    const inCheckout = (text: string) => text.split(`${copy}/`).join('');
    assert.deepEqual({ ...compiled, stdout: inCheckout(compiled.stdout), stderr: inCheckout(compiled.stderr) }, sources);
  });
}

test('bin/dv.js runs the bundle only while it is fresh: a source newer than the build, a source gone, or DV_SOURCES=1 runs the sources', () => {
  const entry = join(copy, CLI_BUNDLE_DIR, 'dv.js');
  const bundled = readFileSync(entry, 'utf8');
  try {
    // A marker bundle: what prints it ran.
    writeFileSync(entry, "process.stdout.write('the bundle ran\\n');\n");
    assert.equal(dv(['--help'], false).stdout, 'the bundle ran\n');
    assert.match(dv(['--help'], true).stdout, /^Usage: dv /);
    writeFileSync(stampFile, JSON.stringify({ ...stamp, builtAt: 0 }));
    assert.equal(freshBundle(copy + '/'), undefined, 'every source is newer than a build at time 0');
    assert.match(dv(['--help'], false).stdout, /^Usage: dv /);
    writeFileSync(stampFile, JSON.stringify({ ...stamp, inputs: [...stamp.inputs, 'src/cli/no-such-file.ts'] }));
    assert.equal(freshBundle(copy + '/'), undefined, 'an input that is gone');
    writeFileSync(stampFile, 'not json');
    assert.equal(freshBundle(copy + '/'), undefined, 'an unreadable stamp');
    writeFileSync(stampFile, JSON.stringify(stamp));
    assert.equal(dv(['--help'], false).stdout, 'the bundle ran\n');
  } finally {
    writeFileSync(entry, bundled);
    writeFileSync(stampFile, JSON.stringify(stamp));
  }
});

test('paths from import.meta.url are computed only in files two folders down (src/<layer>/x.ts), where the bundle\'s chunks sit', () => {
  // dist/dv/*.js is as deep as src/<layer>/*.ts: '../../package.json' means the same from both. Deeper files may
  // only resolve packages from where they are (createRequire), which the bundle's chunks do the same.
  const deeper: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), depth + 1);
      else if (e.name.endsWith('.ts') && depth !== 1) {
        const text = readFileSync(join(dir, e.name), 'utf8').replace(/createRequire\(import\.meta\.url\)/g, '').replace(/'[^'\n]*import\.meta[^'\n]*'/g, '');
        if (text.includes('import.meta.url')) deeper.push(relative(ROOT, join(dir, e.name)));
      }
    }
  };
  walk(join(ROOT, 'src'), 0);
  assert.deepEqual(deeper, []);
});
