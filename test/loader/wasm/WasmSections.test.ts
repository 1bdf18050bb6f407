/** The wasm container parser against llvm-readobj and llvm-objdump, and its errors on malformed modules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { readDylink, readNameSection, readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { VARIANTS, committedFixture, ulebLength } from './llvm-oracle.ts';

const utf8 = new TextEncoder();
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const customSection = (name: string, payload: number[]) => {
  const body = [...leb(utf8.encode(name).length), ...utf8.encode(name), ...payload];
  return [0, ...leb(body.length), ...body];
};
const moduleOf = (...sections: number[][]) => new Uint8Array([...HEADER, ...sections.flat()]);

const throwsMalformed = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MalformedWasmError, `expected MalformedWasmError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });

for (const variant of VARIANTS) {
  const { bytes, oracle } = committedFixture(variant);

  test(`${variant.name}: sections, ids, sizes and payload offsets agree with llvm-readobj`, () => {
    const s = readWasmSections(bytes);
    assert.equal(s.sections.length, oracle.sections.length);
    s.sections.forEach((mine, i) => {
      const theirs = oracle.sections[i]!;
      assert.equal(mine.id, theirs.id);
      assert.equal(mine.size, theirs.size);
      if (theirs.name !== undefined) assert.equal(mine.name, theirs.name);
      // readobj points at the id byte; a custom payload also follows the section's name.
      const nameBytes = theirs.name === undefined ? 0 : ulebLength(theirs.name.length) + theirs.name.length;
      assert.equal(mine.offset, theirs.offset + 1 + ulebLength(theirs.size + nameBytes) + nameBytes, `payload of section ${i}`);
    });
    assert.deepEqual(s.code, { offset: oracle.codeOffset, size: oracle.codeSize });
    assert.equal(s.custom.get('.debug_line')!.bytes.length, oracle.sections.find((x) => x.name === '.debug_line')!.size);
  });

  test(`${variant.name}: function bodies sit where llvm-objdump puts the functions, named by the name section`, () => {
    const s = readWasmSections(bytes);
    const names = readNameSection(s);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes)).filter((i) => i.kind === 'function');
    assert.equal(s.importedFunctions, imports.length);
    imports.forEach((imp, i) => assert.equal(names.get(i), imp.name, 'imported functions come first in the index space'));
    assert.deepEqual(
      s.functionBodies.map((b) => names.get(b.index)),
      oracle.labels.map((l) => l.name),
    );
    s.functionBodies.forEach((body, i) => {
      assert.equal(body.index, s.importedFunctions + i);
      // objdump labels the body's size field; the body proper (DWARF's low_pc) follows it.
      assert.equal(body.start, oracle.labels[i]!.address + ulebLength(body.end - body.start));
      assert.equal(body.end, oracle.labels[i + 1]?.address ?? oracle.codeSize);
    });
  });
}

test('dylink.0: the fixture asks for its two function pointers in data and two table slots', () => {
  // lines.c holds `Operations[2]`: 8 bytes of 4-byte aligned data and table slots for Square and Twice.
  assert.deepEqual(readDylink(committedFixture(VARIANTS[0]!).bytes), { memorySize: 8, memoryAlignment: 2, tableSize: 2, tableAlignment: 0, neededDynlibs: [] });
  assert.equal(readDylink(moduleOf()), undefined);
});

test('dylink.0: memory info and needed libraries, skipping subsections it does not know', () => {
  const memInfo = [...leb(70000), 3, 1, 0];
  const payload = [
    1, ...leb(memInfo.length), ...memInfo,
    3, 2, 0xaa, 0xbb, // WASM_DYLINK_EXPORT_INFO: not needed here
    2, 12, 2, 4, ...utf8.encode('a.so'), 5, ...utf8.encode('b.wsm'),
  ];
  assert.deepEqual(readDylink(moduleOf(customSection('dylink.0', payload))), { memorySize: 70000, memoryAlignment: 3, tableSize: 1, tableAlignment: 0, neededDynlibs: ['a.so', 'b.wsm'] });
  throwsMalformed(() => readDylink(moduleOf(customSection('dylink.0', [2, 3, 1, 5, 0x61]))), /^dylink\.0 subsection 2: needed library name \(5 bytes\) runs past the end \(1 left\) at offset 0x17$/);
});

test('a module without a name section has no names; names of unknown subsections are skipped', () => {
  assert.equal(readNameSection(moduleOf()).size, 0);
  const payload = [0, 2, 1, 0x6d, 1, 5, 1, 3, 2, 0x66, 0x6e];
  assert.deepEqual([...readNameSection(moduleOf(customSection('name', payload)))], [[3, 'fn']]);
});

test('bad magic and version are named, with their offsets', () => {
  throwsMalformed(() => readWasmSections(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 0, 0, 0])), /^wasm module: not a wasm module: bad magic 7f454c46 \(expected 0061736d\) at offset 0x0$/);
  throwsMalformed(() => readWasmSections(new Uint8Array([...HEADER.slice(0, 4), 2, 0, 0, 0])), /^wasm module: unsupported wasm version 2 \(expected 1\) at offset 0x4$/);
  throwsMalformed(() => readWasmSections(new Uint8Array(HEADER.slice(0, 5))), /^wasm module: wasm header \(8 bytes\) runs past the end \(5 left\) at offset 0x0$/);
});

test('a section length past the end of the module names the section and the offset', () => {
  throwsMalformed(() => readWasmSections(moduleOf([1, 100, 1, 2, 3])), /^wasm module: section 1 \(type\) payload \(100 bytes\) runs past the end \(3 left\) at offset 0xa$/);
  const { bytes, oracle } = committedFixture(VARIANTS[0]!);
  throwsMalformed(() => readWasmSections(bytes.subarray(0, oracle.codeOffset + 10)), new RegExp(`^wasm module: section 10 \\(code\\) payload \\(${oracle.codeSize} bytes\\) runs past the end \\(10 left\\) at offset 0x${oracle.codeOffset.toString(16)}$`));
});

test('a truncated LEB128 is named with the offset where it starts', () => {
  throwsMalformed(() => readWasmSections(moduleOf([1, 0x80, 0x80])), /^wasm module: truncated LEB128 section 1 \(type\) size at offset 0x9$/);
  throwsMalformed(() => readWasmSections(moduleOf([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0])), /^wasm module: LEB128 section 1 \(type\) size longer than 5 bytes at offset 0x9$/);
  throwsMalformed(() => readWasmSections(moduleOf([10, 2, 1, 0x80])), /^wasm section 10 \(code\): truncated LEB128 size of function body 0 at offset 0xb$/);
});

test('a function section and code section that disagree are malformed', () => {
  throwsMalformed(() => readWasmSections(moduleOf([3, 2, 1, 0], [10, 1, 0])), /^wasm module: the function section declares 1 functions but the code section has 0 bodies at offset 0xe$/);
});

test('every truncation of a real module either parses (at a section boundary) or is MalformedWasmError', () => {
  const { bytes, oracle } = committedFixture(VARIANTS[1]!);
  const boundaries = new Set([8, ...oracle.sections.map((s) => s.offset)]);
  for (let n = 0; n < bytes.length; n++) {
    try {
      readWasmSections(bytes.subarray(0, n));
      assert.ok(boundaries.has(n), `a module cut at ${n} parsed, but ${n} is no section boundary`);
    } catch (e) {
      assert.ok(e instanceof MalformedWasmError, `cut at ${n}: ${String(e)}`);
    }
  }
});
