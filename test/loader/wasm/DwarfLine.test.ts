/**
 * The .debug_line parser on hand-assembled units that use what clang rarely emits (DW_LNE_define_file,
 * discriminators, fixed_advance_pc, unknown opcodes, every v5 entry form), with rows worked out from
 * DWARF 5 §6.2 and, when llvm-dwarfdump-16 is there, checked against it; then its malformed-input errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { sourceLine, type ModuleInfo } from '../../../src/kernel/symbols.ts';
import { readDebugLine, toSymbolLines, type LineTableRow } from '../../../src/loader/wasm/dwarf-line.ts';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { VARIANTS, committedFixture, dwarfdumpLines, hasTool } from './llvm-oracle.ts';

const utf8 = new TextEncoder();
const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const cstr = (s: string) => [...utf8.encode(s), 0];
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};

const extended = (code: number, operands: number[]) => [0, ...uleb(operands.length + 1), code, ...operands];
const op = {
  endSequence: extended(1, []),
  setAddress: (a: number) => extended(2, u32(a)),
  defineFile: (name: string, dir: number) => extended(3, [...cstr(name), ...uleb(dir), 0, 0]),
  setDiscriminator: (d: number) => extended(4, uleb(d)),
  copy: [1],
  advancePc: (n: number) => [2, ...uleb(n)],
  advanceLine: (n: number) => [3, ...sleb(n)],
  setFile: (n: number) => [4, ...uleb(n)],
  setColumn: (n: number) => [5, ...uleb(n)],
  negateStmt: [6],
  setBasicBlock: [7],
  constAddPc: [8],
  fixedAdvancePc: (n: number) => [9, ...u16(n)],
  setPrologueEnd: [10],
  setEpilogueBegin: [11],
  setIsa: (n: number) => [12, ...uleb(n)],
};
/** §6.2.5.1: opcode = (line advance - line_base) + line_range * operation advance + opcode_base. */
const special = (h: { lineBase: number; lineRange: number; opcodeBase: number }, operations: number, lines: number) => [lines - h.lineBase + h.lineRange * operations + h.opcodeBase];
const STANDARD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];

function unit(version: number, headerRest: number[], program: number[]): number[] {
  const v5 = version >= 5 ? [4, 0] : []; // address_size, segment_selector_size
  const body = [...u16(version), ...v5, ...u32(headerRest.length), ...headerRest, ...program];
  return [...u32(body.length), ...body];
}

// Unit 1, DWARF 4: one vendor standard opcode (13, two operands), so opcode_base is 14.
const h1 = { lineBase: -5, lineRange: 14, opcodeBase: 14 };
const unit1 = unit(4, [1, 1, 1, h1.lineBase & 0xff, h1.lineRange, h1.opcodeBase, ...STANDARD_LENGTHS, 2, ...cstr('inc'), 0, ...cstr('a.c'), 0, 0, 0, ...cstr('b.h'), 1, 0, 0, 0], [
  ...op.setAddress(0x10), ...op.advanceLine(9), ...op.copy,
  ...op.setColumn(4), ...special(h1, 3, 1),
  ...op.setFile(2), ...op.negateStmt, ...op.setBasicBlock, ...op.setIsa(5), ...op.setPrologueEnd, ...op.setEpilogueBegin,
  13, 0x81, 0x01, 0x7f, // the vendor opcode and its two LEB128 operands
  ...op.setDiscriminator(3), ...extended(0x80, [0xaa, 0xbb, 0xcc]), // DW_LNE_lo_user: skipped by its length
  ...op.fixedAdvancePc(0x100), ...op.advanceLine(-6), ...op.copy,
  ...op.defineFile('c.c', 0), ...op.setFile(3), ...op.constAddPc, ...op.advancePc(2), ...op.copy,
  ...op.advancePc(4), ...op.endSequence,
  // A function wasm-ld removed: its sequence starts at the tombstone and must vanish.
  ...op.setAddress(0xffffffff), ...op.advanceLine(1), ...op.copy, ...op.advancePc(8), ...op.endSequence,
  ...op.setAddress(0x200), ...op.advanceLine(20), ...special(h1, 0, -5), ...op.advancePc(1), ...op.endSequence,
]);

const debugStr = [0, ...cstr('main.c'), ...cstr('sub.h'), ...cstr('/abs/x.h')];
const strAt = (s: string) => u32(Buffer.from(debugStr).indexOf(Buffer.from(cstr(s))));
const debugLineStr = [...cstr('/v5/comp'), ...cstr('sub')];
const lineStrAt = (s: string) => u32(Buffer.from(debugLineStr).indexOf(Buffer.from(cstr(s))));
const VENDOR_LNCT = 0x3abc;
const DW_FORM = { block: 0x09, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07, data16: 0x1e, string: 0x08, strp: 0x0e, line_strp: 0x1f, udata: 0x0f };

// Unit 2, DWARF 5: instructions of 2 bytes, is_stmt off by default, strings in .debug_str and .debug_line_str.
const h2 = { lineBase: -3, lineRange: 12, opcodeBase: 13 };
const fileA = (name: string, dir: number) => [...strAt(name), dir, ...u32(0x5f5e100), 0, 0, 0, 0, ...u16(1234), ...Array(16).fill(0xcd), ...uleb(3), 1, 2, 3];
const unit2 = unit(5, [
  2, 1, 0, h2.lineBase & 0xff, h2.lineRange, h2.opcodeBase, ...STANDARD_LENGTHS,
  1, ...uleb(1), ...uleb(DW_FORM.line_strp), 2, ...lineStrAt('/v5/comp'), ...lineStrAt('sub'),
  6, 1, DW_FORM.strp, 2, DW_FORM.data1, 3, DW_FORM.data8, 4, DW_FORM.data2, 5, DW_FORM.data16, ...uleb(VENDOR_LNCT), DW_FORM.block,
  3, ...fileA('main.c', 0), ...fileA('sub.h', 1), ...fileA('/abs/x.h', 1),
], [
  ...op.setAddress(0x300), ...op.copy, // the file register starts at 1 in v5 too (§6.2.2), here sub.h
  ...op.setFile(0), ...special(h2, 3, 2),
  ...op.setFile(2), ...op.constAddPc, ...op.copy,
  ...op.advancePc(1), ...op.copy, ...op.endSequence, // a row at the end address: it covers no code
]);

// Unit 3, DWARF 5: inline strings, a vendor directory attribute, udata directory indexes. Its one
// sequence ends exactly where unit 1's first begins.
const unit3 = unit(5, [
  1, 1, 1, 0xfb, 14, 13, ...STANDARD_LENGTHS,
  2, 1, DW_FORM.string, ...uleb(VENDOR_LNCT), DW_FORM.data4, 2, ...cstr('/b'), ...u32(7), ...cstr('rel/dir'), ...u32(8),
  3, 1, DW_FORM.string, 2, DW_FORM.udata, 4, DW_FORM.data4, 1, ...cstr('f.c'), ...uleb(1), ...u32(99),
], [...op.setAddress(0x8), ...op.setFile(0), ...op.advanceLine(99), ...op.copy, ...op.fixedAdvancePc(8), ...op.endSequence]);

const input = {
  debugLine: new Uint8Array([...unit1, ...unit2, ...unit3]),
  debugStr: new Uint8Array(debugStr),
  debugLineStr: new Uint8Array(debugLineStr),
  compDirs: new Map([[0, '/build']]),
};

const row = (address: number, file: string, line: number, column: number, isStmt: boolean, endSequence = false): LineTableRow => ({ address, file, line, column, isStmt, endSequence });
const EXPECTED: LineTableRow[] = [
  row(0x10, '/build/a.c', 10, 0, true),
  row(0x13, '/build/a.c', 11, 4, true),
  row(0x113, '/build/inc/b.h', 5, 4, false),
  row(0x126, '/build/c.c', 5, 4, false), // const_add_pc: (255 - 14) / 14 = 17, then 2
  row(0x12a, '/build/c.c', 5, 4, false, true),
  row(0x200, '/build/a.c', 16, 0, true),
  row(0x201, '/build/a.c', 16, 0, true, true),
  row(0x300, '/v5/comp/sub/sub.h', 1, 0, false),
  row(0x306, '/v5/comp/main.c', 3, 0, false),
  row(0x32e, '/abs/x.h', 3, 0, false), // const_add_pc: (255 - 13) / 12 = 20 operations of 2 bytes
  row(0x330, '/abs/x.h', 3, 0, false),
  row(0x330, '/abs/x.h', 3, 0, false, true),
  row(0x8, '/b/rel/dir/f.c', 100, 0, true),
  row(0x10, '/b/rel/dir/f.c', 100, 0, true, true),
];

test('hand-assembled v4 and v5 units give the rows DWARF 5 §6.2 prescribes, without the tombstoned sequence', () => {
  assert.deepEqual(readDebugLine(input), EXPECTED);
});

test('without the compilation directory a v4 table keeps its relative paths', () => {
  assert.deepEqual(readDebugLine({ ...input, compDirs: undefined }).slice(0, 3).map((r) => r.file), ['a.c', 'a.c', 'inc/b.h']);
});

test('llvm-dwarfdump-16 reads the hand-assembled units the same way', { skip: hasTool('llvm-dwarfdump-16') ? false : 'llvm-dwarfdump-16 not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwarf-line-'));
  try {
    const file = join(dir, 'units.wasm');
    const custom = (name: string, payload: Uint8Array) => {
      const body = [...uleb(name.length), ...utf8.encode(name), ...payload];
      return [0, ...uleb(body.length), ...body];
    };
    writeFileSync(file, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...custom('.debug_line', input.debugLine), ...custom('.debug_str', input.debugStr), ...custom('.debug_line_str', input.debugLineStr)]));
    const units = dwarfdumpLines(execFileSync('llvm-dwarfdump-16', ['--debug-line', file], { encoding: 'utf8' }));
    assert.deepEqual(units.map((u) => u.version), [4, 5, 5]);
    // The header does not list a file added by DW_LNE_define_file (file 3 of unit 1, c.c).
    const theirs = units.flatMap((u) => u.rows.map((r) => ({ ...r, file: u.fileNames[r.file] ?? 'c.c' })));
    assert.deepEqual(
      readDebugLine(input).map((r) => ({ ...r, file: r.file.slice(r.file.lastIndexOf('/') + 1) })),
      theirs.map((r) => ({ address: r.address, file: r.file.slice(r.file.lastIndexOf('/') + 1), line: r.line, column: r.column, isStmt: r.isStmt, endSequence: r.endSequence })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toSymbolLines: sorted rows, interned files, line 0 where a sequence ends, no empty rows', () => {
  const { files, lines } = toSymbolLines(readDebugLine(input));
  assert.deepEqual(files, ['/build/a.c', '/build/inc/b.h', '/build/c.c', '/v5/comp/sub/sub.h', '/v5/comp/main.c', '/abs/x.h', '/b/rel/dir/f.c']);
  assert.deepEqual(lines, [
    { address: 0x8, file: 6, line: 100 },
    { address: 0x10, file: 6, line: 0 }, // unit 3 ends where unit 1 starts: the end goes first
    { address: 0x10, file: 0, line: 10 },
    { address: 0x13, file: 0, line: 11 },
    { address: 0x113, file: 1, line: 5 },
    { address: 0x126, file: 2, line: 5 },
    { address: 0x12a, file: 2, line: 0 },
    { address: 0x200, file: 0, line: 16 },
    { address: 0x201, file: 0, line: 0 },
    { address: 0x300, file: 3, line: 1 },
    { address: 0x306, file: 4, line: 3 },
    { address: 0x32e, file: 5, line: 3 },
    { address: 0x330, file: 5, line: 0 },
  ]);
  const m: ModuleInfo = { name: 'units', imageName: 'units.sys', base: 0x1000, size: 0x1000, symbols: { functions: [], files, lines: lines.map((l) => ({ ...l, address: l.address + 0x1000 })) } };
  assert.deepEqual(sourceLine([m], 0x100f), { file: '/b/rel/dir/f.c', line: 100, lineStart: 0x1008 });
  assert.deepEqual(sourceLine([m], 0x1010), { file: '/build/a.c', line: 10, lineStart: 0x1010 });
  assert.deepEqual(sourceLine([m], 0x1120), { file: '/build/inc/b.h', line: 5, lineStart: 0x1113 });
});

const throwsMalformed = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MalformedWasmError, `expected MalformedWasmError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
const lines = (bytes: number[], more: object = {}) => () => readDebugLine({ debugLine: new Uint8Array(bytes), ...more });
const minimalV4 = (program: number[], headerRest = [1, 1, 1, 0xfb, 14, 13, ...STANDARD_LENGTHS, 0, ...cstr('a.c'), 0, 0, 0, 0]) => unit(4, headerRest, program);

test('a unit length past the end of .debug_line is named with the unit offset', () => {
  const good = minimalV4([...op.setAddress(0), ...op.copy, ...op.endSequence]);
  throwsMalformed(lines([...good, 0x00, 0x01, 0, 0, 2, 0]), new RegExp(`^\\.debug_line: unit_length 0x100 runs past the end of the section \\(0x2 bytes left\\) at offset 0x${good.length.toString(16)}$`));
  const { bytes } = committedFixture(VARIANTS[0]!);
  const debugLine = readWasmSections(bytes).custom.get('.debug_line')!.bytes;
  throwsMalformed(() => readDebugLine({ debugLine: debugLine.subarray(0, 100) }), /^\.debug_line: unit_length 0x\w+ runs past the end of the section \(0x60 bytes left\) at offset 0x0$/);
});

test('unsupported formats are named: 64-bit DWARF, other versions, VLIW, other address sizes', () => {
  throwsMalformed(lines([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]), /^\.debug_line: 64-bit DWARF line table \(unsupported\) at offset 0x0$/);
  throwsMalformed(lines(unit(3, [], [])), /^\.debug_line: unsupported line table version 3 \(only 4 and 5 are read\) at offset 0x4$/);
  throwsMalformed(lines(minimalV4([], [1, 4, 1, 0xfb, 14, 13])), /^\.debug_line: maximum_operations_per_instruction 4 \(VLIW op_index is unsupported\) at offset 0xb$/);
  throwsMalformed(lines([...u32(6), ...u16(5), 8, 0, 0, 0]), /^\.debug_line: address_size 8 \(wasm32 addresses are 4 bytes\) at offset 0x6$/);
  throwsMalformed(lines(minimalV4([...extended(2, [0, 0]), ...op.copy, ...op.endSequence])), /^\.debug_line: DW_LNE_set_address with a 2-byte operand \(wasm32 addresses are 4 bytes\) at offset 0x\w+$/);
});

test('broken headers and programs are named', () => {
  throwsMalformed(lines([...u32(8), ...u16(4), ...u32(50), 1, 1]), /^\.debug_line: \.debug_line \(50 bytes\) runs past the end \(2 left\) at offset 0xa$/);
  throwsMalformed(lines(minimalV4([], [1, 1, 1, 0xfb, 0, 13])), /^\.debug_line: line_range 0 at offset 0xe$/);
  throwsMalformed(lines(minimalV4([...op.setAddress(0), ...op.setFile(7), ...op.copy, ...op.endSequence])), /^\.debug_line: row at address 0x0 of the unit at 0x0 names file 7, which its header does not list at offset 0x\w+$/);
  throwsMalformed(lines(minimalV4([...op.setAddress(0), ...op.copy])), /^\.debug_line: line program of the unit at 0x0 ends inside a sequence \(no DW_LNE_end_sequence\) at offset 0x\w+$/);
  throwsMalformed(lines(minimalV4([0, 0])), /^\.debug_line: extended opcode of length 0 at offset 0x\w+$/);
  throwsMalformed(lines(minimalV4([0, 9, 2, 0])), /^\.debug_line: \.debug_line \(9 bytes\) runs past the end \(2 left\) at offset 0x\w+$/);
  throwsMalformed(lines(minimalV4([2, 0x80, 0x80])), /^\.debug_line: truncated LEB128 DW_LNS_advance_pc operand at offset 0x\w+$/);
});

test('v5 entry tables: missing string sections, bad offsets and impossible counts are named', () => {
  const v5 = (tables: number[]) => unit(5, [1, 1, 1, 0xfb, 14, 13, ...STANDARD_LENGTHS, ...tables], []);
  throwsMalformed(lines(v5([1, 1, DW_FORM.line_strp, 1, ...u32(0), 0, 0])), /^\.debug_line_str: the module has no \.debug_line_str section, but a string at offset 0x0 is referenced$/);
  throwsMalformed(lines(v5([1, 1, DW_FORM.strp, 1, ...u32(99), 0, 0]), { debugStr: new Uint8Array([0]) }), /^\.debug_str: string offset past the end of the section \(1 bytes\) at offset 0x63$/);
  // No formats, a huge count: entries of zero bytes each. Must fail, not loop 2^32 times.
  throwsMalformed(lines(v5([0, ...uleb(0xffffffff)])), /^\.debug_line: directory entries have no DW_LNCT_path at offset 0x\w+$/);
  throwsMalformed(lines(v5([1, 1, DW_FORM.string, ...uleb(1000), 0x61, 0])), /^\.debug_line: directorys_count 1000 exceeds the 2 header bytes left at offset 0x\w+$/);
  throwsMalformed(lines(v5([1, 1, 0x25, 1, 0, 0, 0])), /^\.debug_line: directory paths use form 0x25 \(only string, line_strp and strp are read\) at offset 0x\w+$/);
  throwsMalformed(lines(v5([1, 1, DW_FORM.string, 1, 0x61, 0, 2, 1, DW_FORM.string, 2, DW_FORM.udata, 1, 0x62, 0, 3])), /^\.debug_line: file "b" names directory 3, but there are 1 at offset 0x\w+$/);
});

test('every truncation and many corruptions of real .debug_line either parse or throw MalformedWasmError', () => {
  const { bytes } = committedFixture(VARIANTS[1]!);
  const s = readWasmSections(bytes);
  const sections = { debugStr: s.custom.get('.debug_str')!.bytes, debugLineStr: s.custom.get('.debug_line_str')!.bytes };
  const debugLine = s.custom.get('.debug_line')!.bytes;
  const check = (d: Uint8Array, what: string) => {
    try {
      readDebugLine({ debugLine: d, ...sections });
    } catch (e) {
      assert.ok(e instanceof MalformedWasmError, `${what}: ${String(e)}`);
    }
  };
  for (let n = 0; n < debugLine.length; n++) check(debugLine.subarray(0, n), `cut at ${n}`);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
  for (let i = 0; i < 3000; i++) {
    const d = debugLine.slice();
    for (let k = 0; k < 1 + Math.floor(random() * 4); k++) d[Math.floor(random() * d.length)] = Math.floor(random() * 256);
    check(d, `corruption ${i}`);
  }
});
