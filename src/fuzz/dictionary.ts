/**
 * What a wasm driver compares its inputs against, read from its code before it runs: the i32.const
 * operands of its comparisons (control codes, magic values, lengths) and the bases of its switches
 * (clang lowers `switch (code)` to `code - base` and a br_table). libFuzzer learns the same values at
 * run time from its comparison hooks (the value profile); reading them from the code costs nothing per
 * input. The control codes seed the fuzzer; every value feeds its mutations.
 */
import { readFileSync } from 'node:fs';
import { nextInstruction, OP, skipLocals } from '../loader/wasm/instructions.ts';
import { ByteReader } from '../loader/wasm/reader.ts';
import { readWasmSections } from '../loader/wasm/sections.ts';

export interface Dictionary {
  /** Values that look like control codes (CTL_CODE with a device type), in code order. */
  readonly controlCodes: readonly number[];
  /** Every compared constant (deduplicated): magic values, lengths, codes. */
  readonly values: readonly number[];
}

/** i32.eq .. i32.ge_u: the comparisons whose constant operand an input must match or straddle. */
const isCompare = (op: number) => op >= 0x46 && op <= 0x4f;
const BR_TABLE = 0x0e;
const I32_SHR_U = 0x76;
const I32_ROTL = 0x77;
const I32_ROTR = 0x78;
/** The most cases a switch base is expanded to (a control code's function field steps by 4). */
const MAX_CASES = 64;

/** A control code: a device type in the high word (CTL_CODE(DeviceType, Function, Method, Access)). */
export const looksLikeControlCode = (v: number) => v >>> 16 !== 0 && v >>> 16 !== 0xffff;

export function readDictionary(path: string): Dictionary {
  const bytes = new Uint8Array(readFileSync(path));
  const m = readWasmSections(bytes);
  const codes = new Set<number>();
  const values = new Set<number>();
  if (!m.code) return { controlCodes: [], values: [] };
  for (const fb of m.functionBodies) {
    const body = new ByteReader(bytes, `function body ${fb.index}`, m.code.offset + fb.start, m.code.offset + fb.end);
    skipLocals(body);
    // The last constant pushed and what came after it: `x; i32.const C; i32.eq`, or `x; i32.const -BASE; i32.add; ... br_table`.
    let constant: number | undefined;
    let base: number | undefined;
    // `(code - base) >> 2` (or a rotate) before the br_table: the cases are `stride` apart.
    let stride = 1;
    while (body.pos < body.end) {
      const ins = nextInstruction(body);
      if (ins.op === OP.i32Const) {
        constant = new ByteReader(bytes, 'i32.const', ins.start + 1, ins.end).sleb('i32.const', 5) >>> 0;
        continue;
      }
      if (constant !== undefined && isCompare(ins.op)) {
        values.add(constant);
        if (looksLikeControlCode(constant)) codes.add(constant);
      } else if (constant !== undefined && (ins.op === OP.i32Add || ins.op === OP.i32Sub)) {
        const b = (ins.op === OP.i32Add ? -constant : constant) >>> 0;
        if (looksLikeControlCode(b)) (base = b), (stride = 1);
      } else if (constant !== undefined && base !== undefined && (ins.op === I32_SHR_U || ins.op === I32_ROTR)) {
        stride = 2 ** (constant & 31);
      } else if (constant !== undefined && base !== undefined && ins.op === I32_ROTL) {
        stride = 2 ** ((32 - (constant & 31)) & 31);
      } else if (ins.op === BR_TABLE && base !== undefined) {
        const cases = Math.min(new ByteReader(bytes, 'br_table', ins.start + 1, ins.end).u32leb('br_table target count'), MAX_CASES);
        for (let i = 0; i < cases; i++) codes.add((base + i * stride) >>> 0);
        base = undefined;
      }
      constant = undefined;
    }
  }
  return { controlCodes: [...codes], values: [...values] };
}
