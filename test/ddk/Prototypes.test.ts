/**
 * The DDI prototypes of ddk/include against the kernel's export table: every DDI the kernel exports
 * is declared, every ntoskrnl import the headers declare is exported, and each compiles to the wasm
 * signature docs/ddi-support.md gives.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { wasmSignature } from '../../src/build/ddi-abi.ts';
import { TARGET_FLAGS } from '../../src/build/flags.ts';
import { readDdiPrototypes } from '../../src/build/headers.ts';
import { formatFuncType, readWasmInterface } from '../../src/build/wasm-module.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { compileC, NEEDS_CLANG, toolchain, withTempDir } from './support.ts';
import { spawnSync } from 'node:child_process';
import { DDK_INCLUDE } from '../../src/build/paths.ts';

/** Every header a driver may include (winddi.h is not part of wdm.h, as on Windows). */
const ALL_HEADERS = '#include <ntifs.h>\n#include <ntstrsafe.h>\n#include <winddi.h>\n';
const kernelDdis = Object.keys(new Kernel().ddi);
const prototypes = readDdiPrototypes();
const declared = prototypes.map((p) => p.importName);

test('every DDI the kernel exports has a prototype in ddk/include', () => {
  const missing = kernelDdis.filter((n) => !declared.includes(n));
  assert.deepEqual(missing, [], `declare these in ddk/include/dv/<subsystem>.h with DDI_IMPORT: ${missing.join(', ')}`);
});

test('every ntoskrnl import declared in ddk/include is a DDI the kernel exports', () => {
  const extra = declared.filter((n) => !kernelDdis.includes(n));
  assert.deepEqual(extra, [], `the kernel does not export: ${extra.join(', ')}`);
});

test('each DDI_IMPORT(Name) declares the function Name, once, with types the ABI table knows', () => {
  assert.ok(prototypes.length >= 90, `only ${prototypes.length} prototypes read: is the header parser broken?`);
  for (const p of prototypes) {
    assert.equal(p.name, p.importName, `${p.header}: DDI_IMPORT(${p.importName}) declares ${p.name}`);
    assert.doesNotThrow(() => wasmSignature(p), `${p.name}`);
  }
  const dupes = declared.filter((n, i) => declared.indexOf(n) !== i);
  assert.deepEqual(dupes, []);
});

test('the preprocessed headers import from ntoskrnl exactly the DDIs the parser reads', { skip: NEEDS_CLANG }, () => {
  const r = spawnSync(toolchain!.clang, [...TARGET_FLAGS, '-I', DDK_INCLUDE, '-E', '-'], { input: ALL_HEADERS, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const imported = [...r.stdout.matchAll(/import_module\("ntoskrnl"\), import_name\("(\w+)"\)/g)].map((m) => m[1]!);
  assert.deepEqual([...imported].sort(), [...declared].sort());
});

test('each prototype compiles to the wasm signature derived for it', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    // Taking every DDI's address makes the object import each one with its type.
    const text = [ALL_HEADERS, 'void *const DvAllDdis[] = {', ...declared.map((n) => `  (void *)&${n},`), '};', ''].join('\n');
    const object = join(dir, 'all.o');
    const { status, stderr } = compileC(text, { object });
    assert.equal(status, 0, stderr);
    const emitted = new Map(
      readWasmInterface(readFileSync(object))
        .imports.filter((i) => i.module === 'ntoskrnl')
        .map((i) => [i.name, formatFuncType(i.type!)]),
    );
    for (const p of prototypes) assert.equal(emitted.get(p.importName), formatFuncType(wasmSignature(p)), p.importName);
  });
});
