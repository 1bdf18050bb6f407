/**
 * Finding the toolchain: clang 16+ with its wasm-ld; clang 14/15 refused with the reason; no clang
 * at all answered with the install command. Fake tools on a private PATH stand in for real ones.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { findToolchain } from '../../src/build/toolchain.ts';
import { ROOT } from '../helpers.ts';
import { withTempDir } from './support.ts';

/** A script that answers --version like the real tool. */
function fakeTool(dir: string, name: string, banner: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${banner}'\n`);
  chmodSync(path, 0o755);
}

test('with no clang on PATH, the answer is the install command', () => {
  withTempDir((dir) => {
    const r = findToolchain(dir);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /apt-get install clang-16 lld-16/);
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'Sample.c')], output: join(dir, 'x.wasm'), searchPath: dir });
    assert.equal(built.exitCode, 2);
    assert.match(built.diagnostics, /^dv build: clang 16 or newer was not found on PATH; install it with: apt-get install clang-16 lld-16\n$/);
  });
});

for (const [name, version] of [['clang', 14], ['clang-15', 15]] as const) {
  test(`${name} (clang ${version}) is refused because it ignores -fshort-wchar on wasm32`, () => {
    withTempDir((dir) => {
      fakeTool(dir, name, `Debian clang version ${version}.0.6`);
      const r = findToolchain(dir);
      assert.equal(r.ok, false);
      const message = !r.ok ? r.message : '';
      assert.match(message, new RegExp(`is clang ${version}: clang ${version} ignores -fshort-wchar on wasm32`));
      assert.match(message, /apt-get install clang-16 lld-16/);
    });
  });
}

test('clang-16 is preferred, and needs its own wasm-ld-16', () => {
  withTempDir((dir) => {
    fakeTool(dir, 'clang-16', 'Debian clang version 16.0.6');
    fakeTool(dir, 'clang-19', 'Debian clang version 19.1.7');
    fakeTool(dir, 'wasm-ld-19', 'LLD 19.1.7');
    const missing = findToolchain(dir);
    assert.match(!missing.ok ? missing.message : '', /not wasm-ld-16: apt-get install lld-16/);
    fakeTool(dir, 'wasm-ld-16', 'LLD 16.0.6');
    const r = findToolchain(dir);
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.toolchain, { clang: join(dir, 'clang-16'), wasmLd: join(dir, 'wasm-ld-16'), version: 16 });
  });
});

test('a plain clang of version 16 or newer is accepted with a plain wasm-ld', () => {
  withTempDir((dir) => {
    fakeTool(dir, 'clang', 'clang version 18.1.3');
    fakeTool(dir, 'wasm-ld', 'LLD 18.1.3');
    const r = findToolchain(dir);
    assert.deepEqual(r.ok && r.toolchain, { clang: join(dir, 'clang'), wasmLd: join(dir, 'wasm-ld'), version: 18 });
  });
});
