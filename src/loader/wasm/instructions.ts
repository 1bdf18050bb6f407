/**
 * The wasm instruction stream of a function body, decoded far enough to know where each
 * instruction starts and ends: what a load-time rewrite needs to insert code between instructions.
 * Covers what clang emits for drivers: the MVP, sign extension, non-trapping float-to-int, bulk
 * memory, reference types, multi-value blocks, tail calls, exceptions and atomics. SIMD (0xFD) is
 * refused by name: `dv build` does not enable it, and a module that uses it is not ours.
 */
import { ByteReader, hexOffset } from './reader.ts';

/** The opcodes a rewrite cares about by name. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GtU: 0x4b,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32ShrU: 0x76,
} as const;

/** How each single-byte opcode's immediates are encoded. */
const enum Imm {
  None,
  BlockType,
  U32,
  U32x2,
  BrTable,
  SelectTypes,
  MemArg,
  Byte,
  I32,
  I64,
  F32,
  F64,
}

const IMMEDIATES = new Map<number, Imm>();
const set = (kind: Imm, ...ops: number[]) => ops.forEach((o) => IMMEDIATES.set(o, kind));
set(Imm.None, 0x00, 0x01, 0x05, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1);
set(Imm.BlockType, 0x02, 0x03, 0x04, 0x06);
// br, br_if, call, return_call, catch, throw, rethrow, delegate, local.*, global.*, table.get/set, ref.func
set(Imm.U32, 0x0c, 0x0d, 0x10, 0x12, 0x07, 0x08, 0x09, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2);
set(Imm.U32x2, 0x11, 0x13); // call_indirect, return_call_indirect: type, table
set(Imm.BrTable, 0x0e);
set(Imm.SelectTypes, 0x1c);
for (let op = 0x28; op <= 0x3e; op++) IMMEDIATES.set(op, Imm.MemArg);
set(Imm.U32, 0x3f, 0x40); // memory.size, memory.grow: memory index
set(Imm.I32, 0x41);
set(Imm.I64, 0x42);
set(Imm.F32, 0x43);
set(Imm.F64, 0x44);
for (let op = 0x45; op <= 0xc4; op++) IMMEDIATES.set(op, Imm.None); // numeric, conversions, sign extension
set(Imm.Byte, 0xd0); // ref.null: reference type

/** 0xFC sub-opcodes: saturating truncations (0-7), bulk memory (8-11), tables (12-17). */
const FC_IMMEDIATES: readonly Imm[] = [
  Imm.None, Imm.None, Imm.None, Imm.None, Imm.None, Imm.None, Imm.None, Imm.None,
  Imm.U32x2, Imm.U32, Imm.U32x2, Imm.U32, Imm.U32x2, Imm.U32, Imm.U32x2, Imm.U32, Imm.U32, Imm.U32,
];

/** A module the rewriter cannot take apart (not a decoding error: V8 may still accept it). */
export class UnsupportedInstructionError extends Error {
  override readonly name = 'UnsupportedInstructionError';
}

/** One decoded instruction: its opcode (prefixed ones as 0xFCnn / 0xFEnn) and byte range in the module. */
export interface Instruction {
  readonly op: number;
  readonly start: number;
  readonly end: number;
}

function memArg(r: ByteReader): void {
  const align = r.u32leb('memarg alignment');
  if (align & 0x40) r.u32leb('memarg memory index'); // multi-memory
  r.uleb('memarg offset', 10);
}

function immediates(r: ByteReader, kind: Imm): void {
  switch (kind) {
    case Imm.None:
      return;
    case Imm.BlockType: {
      const b = r.bytes[r.pos];
      // 0x40 (empty) or a one-byte value type; otherwise a type index as a signed 33-bit LEB.
      if (b === 0x40 || (b !== undefined && b >= 0x6f && b <= 0x7f)) r.u8('block type');
      else r.sleb('block type index', 5);
      return;
    }
    case Imm.U32:
      r.u32leb('immediate');
      return;
    case Imm.U32x2:
      r.u32leb('immediate');
      r.u32leb('immediate');
      return;
    case Imm.BrTable: {
      const n = r.u32leb('br_table target count');
      for (let i = 0; i <= n; i++) r.u32leb('br_table target');
      return;
    }
    case Imm.SelectTypes: {
      const n = r.u32leb('select type count');
      r.skip(n, 'select types');
      return;
    }
    case Imm.MemArg:
      memArg(r);
      return;
    case Imm.Byte:
      r.u8('immediate byte');
      return;
    case Imm.I32:
      r.sleb('i32.const', 5);
      return;
    case Imm.I64:
      r.sleb('i64.const', 10);
      return;
    case Imm.F32:
      r.skip(4, 'f32.const');
      return;
    case Imm.F64:
      r.skip(8, 'f64.const');
      return;
  }
}

/** Decode the instruction at `r.pos` and advance past it. */
export function nextInstruction(r: ByteReader): Instruction {
  const start = r.pos;
  const op = r.u8('opcode');
  if (op === 0xfc) {
    const sub = r.u32leb('0xfc sub-opcode');
    const kind = FC_IMMEDIATES[sub];
    if (kind === undefined) throw new UnsupportedInstructionError(`unknown instruction 0xfc ${sub} at ${hexOffset(r.base + start)}`);
    immediates(r, kind);
    return { op: 0xfc00 | sub, start, end: r.pos };
  }
  if (op === 0xfe) {
    const sub = r.u32leb('0xfe sub-opcode');
    if (sub === 0x03) r.u8('atomic.fence flags');
    else if (sub <= 0x4e) memArg(r);
    else throw new UnsupportedInstructionError(`unknown atomic instruction 0xfe ${sub} at ${hexOffset(r.base + start)}`);
    return { op: 0xfe00 | sub, start, end: r.pos };
  }
  if (op === 0xfd) throw new UnsupportedInstructionError(`SIMD instruction at ${hexOffset(r.base + start)}: dv build does not emit SIMD, and the loader cannot instrument it`);
  const kind = IMMEDIATES.get(op);
  if (kind === undefined) throw new UnsupportedInstructionError(`unknown opcode 0x${op.toString(16)} at ${hexOffset(r.base + start)}`);
  immediates(r, kind);
  return { op, start, end: r.pos };
}

/** Skip a body's local declarations; returns the offset of its first instruction. */
export function skipLocals(r: ByteReader): number {
  const groups = r.u32leb('local declaration count');
  for (let i = 0; i < groups; i++) {
    r.u32leb('local count');
    r.u8('local type');
  }
  return r.pos;
}

/** A load or store: bytes it touches, whether it writes, and for a store the value type it takes. */
export interface MemoryAccessOp {
  readonly size: 1 | 2 | 4 | 8;
  readonly write: boolean;
  /** The stored value's type (0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64); loads have none. */
  readonly value?: 0x7f | 0x7e | 0x7d | 0x7c;
}

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;
/** The MVP's loads (0x28-0x35) and stores (0x36-0x3e), by opcode. */
export const MEMORY_ACCESS: ReadonlyMap<number, MemoryAccessOp> = new Map<number, MemoryAccessOp>([
  [0x28, { size: 4, write: false }], // i32.load
  [0x29, { size: 8, write: false }], // i64.load
  [0x2a, { size: 4, write: false }], // f32.load
  [0x2b, { size: 8, write: false }], // f64.load
  [0x2c, { size: 1, write: false }], [0x2d, { size: 1, write: false }], // i32.load8_s/u
  [0x2e, { size: 2, write: false }], [0x2f, { size: 2, write: false }], // i32.load16_s/u
  [0x30, { size: 1, write: false }], [0x31, { size: 1, write: false }], // i64.load8_s/u
  [0x32, { size: 2, write: false }], [0x33, { size: 2, write: false }], // i64.load16_s/u
  [0x34, { size: 4, write: false }], [0x35, { size: 4, write: false }], // i64.load32_s/u
  [0x36, { size: 4, write: true, value: I32 }], // i32.store
  [0x37, { size: 8, write: true, value: I64 }], // i64.store
  [0x38, { size: 4, write: true, value: F32 }], // f32.store
  [0x39, { size: 8, write: true, value: F64 }], // f64.store
  [0x3a, { size: 1, write: true, value: I32 }], // i32.store8
  [0x3b, { size: 2, write: true, value: I32 }], // i32.store16
  [0x3c, { size: 1, write: true, value: I64 }], // i64.store8
  [0x3d, { size: 2, write: true, value: I64 }], // i64.store16
  [0x3e, { size: 4, write: true, value: I64 }], // i64.store32
]);

/** Bulk memory (0xFC prefix, as nextInstruction reports them): each takes (address, x, length). */
export const BULK_MEMORY = {
  /** memory.init: (destination, offset in the segment, length). */
  init: 0xfc08,
  /** memory.copy: (destination, source, length). */
  copy: 0xfc0a,
  /** memory.fill: (destination, value, length). */
  fill: 0xfc0b,
} as const;

/** The offset immediate of a load or store at `start` (its memarg: alignment, [memory], offset). */
export function memArgOffset(r: ByteReader, start: number): number {
  r.pos = start + 1;
  const align = r.u32leb('memarg alignment');
  if (align & 0x40) r.u32leb('memarg memory index');
  return r.u32leb('memarg offset');
}
