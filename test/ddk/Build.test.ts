/**
 * dv build: a sample driver builds to an image whose imports are kernel DDIs and the PIC env items
 * only; every way of reaching outside that is refused by name; tool errors pass through with exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { ALLOWED_ENV_IMPORTS } from '../../src/build/flags.ts';
import { kernelDdiNames } from '../../src/build/kernel-ddis.ts';
import { readWasmInterface } from '../../src/build/wasm-module.ts';
import { ROOT } from '../helpers.ts';
import { compileC, NEEDS_CLANG, withTempDir } from './support.ts';
import { isSjljImport } from '../../src/nt/sjlj-abi.ts';

const cfixture = (name: string) => join(ROOT, 'test', 'fixtures', 'c', name);
const dv = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { encoding: 'utf8', cwd: ROOT });

test('a two-file driver builds to an image importing only DDIs and the PIC env items', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const output = join(dir, 'Sample.wasm');
    const r = buildDriver({ sources: [cfixture('Sample.c'), cfixture('SampleUtil.c')], output });
    assert.ok(r.ok, r.diagnostics);
    assert.equal(r.exitCode, 0);
    const bytes = readFileSync(output);
    const { imports, exports } = readWasmInterface(bytes);
    const ddis = kernelDdiNames();
    for (const i of imports) {
      if (i.module === 'ntoskrnl') assert.ok(ddis.has(i.name) && i.kind === 'function', `ntoskrnl.${i.name}`);
      // A function with a __try calls through invoke_<sig> and takes DDIs' addresses (dv/seh.h).
      else if (isSjljImport(i.module, i.name, i.kind)) continue;
      else if (i.module === 'GOT.func') assert.ok(ddis.has(i.name) || isSjljImport('env', i.name, 'function'), `GOT.func.${i.name}`);
      else assert.equal(ALLOWED_ENV_IMPORTS[i.name], i.kind, `unexpected import ${i.module}.${i.name}`);
    }
    // DDIs called directly, or through their address from a function with a __try.
    const ntoskrnl = imports.filter((i) => i.module === 'ntoskrnl' || i.module === 'GOT.func').map((i) => i.name);
    for (const name of ['IoCreateDevice', 'IofCompleteRequest', 'ExAllocatePool2', 'KeSetTimer', 'DbgPrintEx']) assert.ok(ntoskrnl.includes(name), name);
    // IoCompleteRequest is the wdm.h macro for IofCompleteRequest; mem*/strsafe come from the runtime.
    assert.ok(!ntoskrnl.includes('IoCompleteRequest'));
    assert.deepEqual(exports.map((e) => e.name).sort(), ['DriverEntry', '__wasm_apply_data_relocs', '__wasm_call_ctors', 'setThrew']);
    // -g is kept: the loader symbolizes callers from the line table.
    assert.ok(WebAssembly.Module.customSections(new WebAssembly.Module(bytes), '.debug_line').length === 1);
  });
});

test('building twice gives the same bytes (no temporary paths leak into the image)', { skip: NEEDS_CLANG }, () => {
  const images = [0, 1].map(() =>
    withTempDir((dir) => {
      const output = join(dir, 'Sample.wasm');
      const r = buildDriver({ sources: [cfixture('Sample.c'), cfixture('SampleUtil.c')], output });
      assert.ok(r.ok, r.diagnostics);
      return readFileSync(output);
    }),
  );
  assert.ok(images[0]!.equals(images[1]!));
});

const refusals: [string, RegExp][] = [
  ['CallsUndeclared.c', /CallsUndeclared\.c:6:10: error: call to undeclared function 'SampleUndeclaredHelper'/],
  ['CallsUndefined.c', /CallsUndefined\.c: error: undefined function 'SampleMissingHelper'/],
  ['CallsUnexportedDdi.c', /CallsUnexportedDdi\.c: error: 'HalMakeBeep' is not exported by the simulated kernel/],
  ['DeclaresDdiItself.c', /DeclaresDdiItself\.c: error: 'ExAllocatePoolWithTag' is a DDI but was declared without its ntoskrnl import/],
  ['UsesUndefinedData.c', /UsesUndefinedData\.c: error: undefined variable 'SampleMissingCounter'/],
  ['NoDriverEntry.c', /DriverEntry/],
];

for (const [file, message] of refusals) {
  test(`${file} is refused with a message naming what is missing`, { skip: NEEDS_CLANG }, () => {
    withTempDir((dir) => {
      const output = join(dir, 'out.wasm');
      const r = buildDriver({ sources: [cfixture(file)], output });
      assert.equal(r.ok, false);
      assert.equal(r.exitCode, 2);
      assert.match(r.diagnostics, message);
      assert.ok(!existsSync(output), 'no image is left behind');
    });
  });
}

test('HalMakeBeep is still not a DDI of the kernel (else pick another name for the fixture)', () => {
  assert.ok(!kernelDdiNames().has('HalMakeBeep'));
});

test('dv build passes a syntax error through from clang and exits 2', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const r = dv(['build', cfixture('SyntaxError.c'), '-o', join(dir, 'out.wasm')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /SyntaxError\.c:5:39: error: expected ';' after expression/);
    assert.equal(r.stdout, '');
  });
});

test('dv build prints the commands only with --verbose, and exits 0', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const quiet = dv(['build', cfixture('Sample.c'), cfixture('SampleUtil.c'), '-o', join(dir, 'a.wasm')]);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /^dv build: wrote .*a\.wasm \(\d+ DDI imports\)\n$/);
    const verbose = dv(['build', cfixture('Sample.c'), cfixture('SampleUtil.c'), '-o', join(dir, 'b.wasm'), '--verbose']);
    assert.equal(verbose.status, 0, verbose.stderr);
    assert.match(verbose.stdout, /clang-\d+ --target=wasm32-unknown-emscripten .* -fshort-wchar .* -c .*Sample\.c -o /);
    assert.match(verbose.stdout, /wasm-ld-\d+ --experimental-pic -shared --import-memory .* --export=DriverEntry -o .*b\.wasm /);
  });
});

test('dv build without -o is a usage error', () => {
  const r = dv(['build', cfixture('Sample.c')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /required option '-o, --output <file>'/);
});

test('a source that is not C, or is missing, is refused before any tool runs', () => {
  assert.match(buildDriver({ sources: [join(ROOT, 'README.md')], output: '/tmp/x.wasm' }).diagnostics, /only C \(\.c\) and C\+\+ \(\.cpp, \.cxx, \.cc, \.C\) sources can be built/);
  assert.match(buildDriver({ sources: [cfixture('Nope.c')], output: '/tmp/x.wasm' }).diagnostics, /Nope\.c: no such file/);
});

test('drivers are compiled as MSVC /kernel compiles them: _KERNEL_MODE is defined', { skip: NEEDS_CLANG }, () => {
  const { status, stderr } = compileC('#if !defined(_KERNEL_MODE) || _KERNEL_MODE != 1\n#error _KERNEL_MODE\n#endif\n');
  assert.equal(status, 0, stderr);
});
