/**
 * wdf.h's DDIs against the framework's export table: every WDF_IMPORT(Name) is a DDI the framework
 * exports, with as many parameters as the framework's routine takes (after the driver's globals),
 * and every export is declared; each compiles to the wasm signature derived for it, imported from
 * Wdf01000.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { returnsAggregate, wasmSignature } from '../../src/build/ddi-abi.ts';
import { readDdiPrototypes, readWdfPrototypes } from '../../src/build/headers.ts';
import { formatFuncType, readWasmInterface } from '../../src/build/wasm-module.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { Framework } from '../../src/wdf/framework.ts';
import { compileC, NEEDS_CLANG, withTempDir } from '../ddk/support.ts';

const k = new Kernel();
const fx = new Framework(k, { reserve: (size) => k.pool.allocate(0, size, 0x74736554), publish: () => {} });
const prototypes = readWdfPrototypes();

test('every WDF_IMPORT is a framework export and every export is declared, once', () => {
  const declared = prototypes.map((p) => p.importName);
  const exported = Object.keys(fx.ddis);
  assert.deepEqual(declared.filter((n) => !exported.includes(n)), [], 'declared in ddk/include but not exported by src/wdf');
  assert.deepEqual(exported.filter((n) => !declared.includes(n)), [], 'exported by src/wdf but not declared with WDF_IMPORT');
  assert.deepEqual(declared.filter((n, i) => declared.indexOf(n) !== i), []);
  // The framework's DDIs are not the kernel's: no name in both tables.
  const ntoskrnl = new Set(readDdiPrototypes().map((p) => p.importName));
  assert.deepEqual(declared.filter((n) => ntoskrnl.has(n)), []);
});

test("each WDF_IMPORT's parameters are the framework routine's, after the driver's globals", () => {
  for (const p of prototypes) {
    assert.equal(p.name, p.importName, `${p.header}: WDF_IMPORT(${p.importName}) declares ${p.name}`);
    // A PHYSICAL_ADDRESS returned by value comes through a result pointer the routine takes first.
    assert.equal(fx.ddis[p.importName]!.length - 1, p.params.length + (returnsAggregate(p) ? 1 : 0), `${p.importName}: ${p.params.length} parameters in ${p.header}`);
  }
});

test('each prototype compiles to its wasm signature, imported from Wdf01000', { skip: NEEDS_CLANG }, () => {
  withTempDir((dir) => {
    const text = ['#include <wdf.h>', 'void *const DvAllWdfDdis[] = {', ...prototypes.map((p) => `  (void *)&${p.importName},`), '};', ''].join('\n');
    const object = join(dir, 'all.o');
    const { status, stderr } = compileC(text, { object });
    assert.equal(status, 0, stderr);
    const emitted = new Map(
      readWasmInterface(readFileSync(object))
        .imports.filter((i) => i.module === 'Wdf01000')
        .map((i) => [i.name, formatFuncType(i.type!)]),
    );
    for (const p of prototypes) assert.equal(emitted.get(p.importName), formatFuncType(wasmSignature(p)), p.importName);
  });
});
