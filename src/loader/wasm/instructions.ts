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
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i32Store: 0x36,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
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
