/** Compilation directories from .debug_info, which DWARF 4 line tables need for full paths. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCompDirs } from '../../../src/loader/wasm/dwarf-info.ts';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { VARIANTS, committedFixture } from './llvm-oracle.ts';

function sectionsOf(variantName: string) {
  const { bytes, oracle } = committedFixture(VARIANTS.find((v) => v.name === variantName)!);
  const s = readWasmSections(bytes);
  const get = (name: string) => s.custom.get(name)?.bytes;
  return { oracle, input: { debugInfo: get('.debug_info')!, debugAbbrev: get('.debug_abbrev')!, debugStr: get('.debug_str'), debugLineStr: get('.debug_line_str') } };
}

test('each v4 unit maps its line table offset to DW_AT_comp_dir', () => {
  const { oracle, input } = sectionsOf('dwarf4-O0');
  // Built with -fdebug-compilation-dir=. ; the units' line tables are where llvm-dwarfdump found them.
  assert.deepEqual([...readCompDirs(input)], oracle.units.map((u) => [u.offset, '.']));
});

test('v5 units name their compilation directory through strx, which the line table repeats as directory 0', () => {
  // Not resolved here: v5 line tables do not need it.
  assert.equal(readCompDirs(sectionsOf('dwarf5-O0').input).size, 0);
});

test('malformed .debug_info and .debug_abbrev are named', () => {
  const { input } = sectionsOf('dwarf4-O0');
  const throwsMalformed = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof MalformedWasmError && message.test(e.message));
  throwsMalformed(() => readCompDirs({ ...input, debugInfo: input.debugInfo.subarray(0, 20) }), /^\.debug_info: unit_length 0x\w+ runs past the end of the section \(0x10 bytes left\) at offset 0x0$/);
  throwsMalformed(() => readCompDirs({ ...input, debugAbbrev: new Uint8Array([0]) }), /^\.debug_abbrev: abbreviation 1 not found \(the table at 0x0 ends\) at offset 0x0$/);
  throwsMalformed(() => readCompDirs({ ...input, debugStr: undefined }), /^\.debug_str: the module has no \.debug_str section/);
  const v1 = input.debugInfo.slice();
  v1[4] = 1;
  throwsMalformed(() => readCompDirs({ ...input, debugInfo: v1 }), /^\.debug_info: unsupported unit version 1 at offset 0x4$/);
});
