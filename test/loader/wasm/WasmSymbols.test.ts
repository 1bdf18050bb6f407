/**
 * Symbols of real clang-16 modules against the LLVM tools: every line row against llvm-dwarfdump,
 * function ranges against DWARF and llvm-objdump, and lookups through the kernel's own resolveSymbol and
 * sourceLine against llvm-symbolizer. The committed builds run everywhere; fresh builds need clang-16.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveSymbol, sourceLine, type ModuleInfo } from '../../../src/kernel/symbols.ts';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { readDylink, readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { positionToCodeOffset, wasmLineRows, wasmSymbols } from '../../../src/loader/wasm/symbols.ts';
import { ROOT } from '../../helpers.ts';
import { VARIANTS, buildFixture, committedFixture, consultOracle, hasTool, type Oracle } from './llvm-oracle.ts';

const BASE = 0x10000;

function assertMatchesOracle(bytes: Uint8Array, oracle: Oracle): void {
  const symbols = wasmSymbols(bytes);
  assert.deepEqual(symbols.code, { offset: oracle.codeOffset, size: oracle.codeSize });

  // Line rows, one by one, as llvm-dwarfdump prints them (it too leaves out tombstoned sequences).
  assert.ok(oracle.tombstonedSequences > 0, 'the fixture has sequences of removed functions');
  const rows = wasmLineRows(bytes);
  const theirs = oracle.units.flatMap((u) => u.rows.map((r) => ({ ...r, path: u.paths[r.file], name: u.fileNames[r.file]! })));
  assert.equal(rows.length, theirs.length);
  rows.forEach((mine, i) => {
    const t = theirs[i]!;
    const at = `row ${i} (${t.address.toString(16)})`;
    assert.deepEqual([mine.address, mine.line, mine.column, mine.isStmt, mine.endSequence], [t.address, t.line, t.column, t.isStmt, t.endSequence], at);
    if (t.path !== undefined) assert.equal(mine.file, t.path, at);
    else assert.ok(mine.file.endsWith('/' + t.name), `${at}: ${mine.file} is not ${t.name}`);
  });

  // Functions: DWARF's [low_pc, high_pc), and llvm-objdump's labels one size field before each start.
  assert.deepEqual(symbols.functions.map((f) => f.name), oracle.labels.map((l) => l.name));
  for (const sub of oracle.subprograms) {
    const f = symbols.functions.find((x) => x.name === sub.name);
    assert.deepEqual(f && [f.start, f.start + f.size], [sub.lowPc, sub.highPc], sub.name);
  }

  // Lookups the debugger makes, through the kernel's own resolver, after the loader's rebasing.
  const module: ModuleInfo = {
    name: 'lines',
    imageName: 'lines.sys',
    base: BASE,
    size: oracle.codeSize,
    symbols: {
      functions: symbols.functions.map((f) => ({ ...f, start: f.start + BASE })),
      files: symbols.files,
      lines: symbols.lines.map((l) => ({ ...l, address: l.address + BASE })),
    },
  };
  for (const { address, frames } of oracle.symbolized) {
    const at = `address 0x${address.toString(16)}`;
    const innermost = frames[0]!;
    const outermost = frames[frames.length - 1]!;
    // The name section names the outer function; DWARF's innermost frame is the inlined one.
    if (outermost.function !== '??') assert.equal(resolveSymbol([module], BASE + address)?.fn?.name, outermost.function, at);
    const loc = sourceLine([module], BASE + address);
    // Line 0 is DWARF's "no source line": llvm-symbolizer prints file:0, sourceLine gives nothing.
    if (innermost.file === '??' || innermost.line === 0) assert.equal(loc, undefined, `${at}: llvm-symbolizer finds no line, we say ${JSON.stringify(loc)}`);
    else assert.deepEqual(loc && [loc.file, loc.line], [innermost.file, innermost.line], at);
  }
  for (const label of oracle.labels) assert.equal(resolveSymbol([module], BASE + label.address)?.fn, undefined, 'a body size field is in no function');
}

for (const variant of VARIANTS) {
  test(`${variant.name}: the committed build agrees with the recorded LLVM output`, () => {
    const { bytes, oracle } = committedFixture(variant);
    assertMatchesOracle(bytes, oracle);
    assert.deepEqual(wasmSymbols(bytes).files, ['./test/fixtures/wasm/lines.c', './test/fixtures/wasm/lines.h', './test/fixtures/wasm/second.c']);
  });
}

const llvmTools = ['llvm-dwarfdump-16', 'llvm-objdump-16', 'llvm-readobj-16', 'llvm-symbolizer-16'];
const missingLlvm = llvmTools.find((t) => !hasTool(t));
const skipBuild = !hasTool('clang-16') ? 'clang-16 not installed' : !hasTool('wasm-ld-16') ? 'wasm-ld-16 not installed' : missingLlvm ? `${missingLlvm} not installed` : false;

test('the recorded LLVM output is what the LLVM tools say about the committed builds today', { skip: missingLlvm ? `${missingLlvm} not installed` : false }, () => {
  for (const variant of VARIANTS) {
    const { path, oracle } = committedFixture(variant);
    assert.deepEqual({ ...consultOracle(path), tools: '' }, { ...oracle, tools: '' }, `${variant.name}: run test/fixtures/wasm/regenerate.ts`);
  }
});

for (const variant of VARIANTS) {
  test(`${variant.name}: a fresh clang-16 build (absolute compilation directory) agrees with the LLVM tools`, { skip: skipBuild }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-symbols-'));
    try {
      const wasm = buildFixture(variant, dir);
      const bytes = new Uint8Array(readFileSync(wasm));
      assertMatchesOracle(bytes, consultOracle(wasm));
      assert.deepEqual(wasmSymbols(bytes).files, ['lines.c', 'lines.h', 'second.c'].map((f) => `${ROOT}/test/fixtures/wasm/${f}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

interface CallSiteWithPosition {
  getPosition(): number;
  getFunctionName(): string | null;
}

/** Runs DriverEntry(0, 10): Classify(10) calls KeBugCheck; returns V8's CallSite for that call. */
function callSiteOfKeBugCheck(bytes: Uint8Array<ArrayBuffer>): CallSiteWithPosition {
  let site: CallSiteWithPosition | undefined;
  const KeBugCheck = () => {
    const holder: { stack?: unknown } = {};
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = (_e, callSites) => callSites;
    Error.captureStackTrace(holder, KeBugCheck);
    site = (holder.stack as CallSiteWithPosition[])[0];
    Error.prepareStackTrace = prepare;
    throw new Error('bug check');
  };
  const i32 = (value: number, mutable = false) => new WebAssembly.Global({ value: 'i32', mutable }, value);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      memory: new WebAssembly.Memory({ initial: 2 }),
      __indirect_function_table: new WebAssembly.Table({ initial: readDylink(bytes)!.tableSize, element: 'anyfunc' }),
      __stack_pointer: i32(0x10000, true),
      __memory_base: i32(0x400),
      __table_base: i32(0),
    },
    ntoskrnl: { KeBugCheck },
  });
  assert.throws(() => (instance.exports.DriverEntry as (a: number, b: number) => number)(0, 10), /bug check/);
  return site!;
}

for (const variant of VARIANTS) {
  test(`${variant.name}: a V8 call-site position maps to the caller's function and line`, () => {
    const { bytes } = committedFixture(variant);
    const site = callSiteOfKeBugCheck(bytes);
    const symbols = wasmSymbols(bytes);
    assert.equal(bytes[site.getPosition()], 0x10, 'V8 points at the call instruction');
    const offset = positionToCodeOffset(site.getPosition(), symbols.code);
    const module: ModuleInfo = { name: 'lines', imageName: 'lines.sys', base: 0, size: symbols.code.size, symbols };
    assert.equal(site.getFunctionName(), 'Classify');
    assert.equal(resolveSymbol([module], offset)?.fn?.name, 'Classify');
    assert.deepEqual(
      (({ file, line }) => ({ file, line }))(sourceLine([module], offset)!),
      { file: './test/fixtures/wasm/lines.c', line: 40 }, // KeBugCheck(0xE2);
    );
  });
}

test('positionToCodeOffset refuses a position outside the code section', () => {
  const code = { offset: 0x100, size: 0x20 };
  assert.equal(positionToCodeOffset(0x11f, code), 0x1f);
  assert.throws(() => positionToCodeOffset(0xff, code), /^RangeError: module position 0xff lies outside the code section \[0x100, 0x120\)$/);
  assert.throws(() => positionToCodeOffset(0x120, code), RangeError);
});

test('a module without DWARF has functions and no lines', () => {
  const { bytes } = committedFixture(VARIANTS[0]!);
  const s = readWasmSections(bytes);
  const stripped = { ...s, custom: new Map([...s.custom].filter(([name]) => !name.startsWith('.debug'))) };
  const symbols = wasmSymbols(stripped);
  assert.deepEqual([symbols.files, symbols.lines], [[], []]);
  assert.equal(symbols.functions.length, s.functionBodies.length);
});

test('corrupted modules either load their symbols or throw MalformedWasmError, never anything else', () => {
  const { bytes } = committedFixture(VARIANTS[3]!);
  let seed = 99;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
  let malformed = 0;
  for (let i = 0; i < 2000; i++) {
    const b = bytes.slice();
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    try {
      wasmSymbols(b);
    } catch (e) {
      assert.ok(e instanceof MalformedWasmError, `corruption ${i}: ${String(e)}`);
      malformed++;
    }
  }
  assert.ok(malformed > 0, 'some corruptions are detected');
});
