/**
 * Kernel routines as wasm function-table entries: what a driver's call through a pointer
 * (call_indirect) needs when the pointer came from MmGetSystemRoutineAddress.
 *
 * A host function enters a funcref table only as a wasm function, whose type call_indirect then
 * checks exactly. The type is the one the driver's own call sites use: among the function types its
 * call_indirect instructions name, the one whose parameters fit the routine (its parameter count,
 * i64 where the ABI passes one, a leading result pointer for a LARGE_INTEGER result). When the
 * driver has several such types differing only in their result, the one with a result is taken.
 */
import { ByteReader } from './reader.ts';
import { nextInstruction, OP, skipLocals } from './instructions.ts';
import { readWasmSections, type WasmSections } from './sections.ts';
import { nameBytes, uleb } from './leb.ts';
import { DDI_AGGREGATE_RESULTS, DDI_PARAMS } from './abi.ts';

type ValType = 0x7f | 0x7e | 0x7d | 0x7c;
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const I32 = 0x7f;
const I64 = 0x7e;
const TYPE_SECTION = 1;

function readTypes(s: WasmSections): FuncType[] {
  const section = s.sections.find((x) => x.id === TYPE_SECTION);
  if (!section) return [];
  const r = new ByteReader(s.bytes, 'wasm type section', section.offset, section.offset + section.size);
  const types: FuncType[] = [];
  const count = r.u32leb('type count');
  for (let i = 0; i < count; i++) {
    r.u8('func type form');
    const params = Array.from({ length: r.u32leb('param count') }, () => r.u8('param type') as ValType);
    const results = Array.from({ length: r.u32leb('result count') }, () => r.u8('result type') as ValType);
    types.push({ params, results });
  }
  return types;
}

/** The function types the module's call_indirect instructions name. */
export function indirectCallTypes(bytes: Uint8Array): FuncType[] {
  const s = readWasmSections(bytes);
  const types = readTypes(s);
  const used = new Set<number>();
  if (s.code) {
    for (const body of s.functionBodies) {
      const r = new ByteReader(s.bytes, 'wasm function body', s.code.offset + body.start, s.code.offset + body.end);
      skipLocals(r);
      while (r.left > 0) {
        const at = r.pos;
        const ins = nextInstruction(r);
        if (ins.op === OP.callIndirect) {
          const imm = new ByteReader(s.bytes, 'call_indirect', at + 1, ins.end);
          used.add(imm.u32leb('call_indirect type index'));
        }
      }
    }
  }
  return [...used].sort((a, b) => a - b).flatMap((i) => (types[i] ? [types[i]] : []));
}

/** The parameters the wasm C ABI gives `name`, a kernel routine of `arity` parameters. */
export function abiParams(name: string, arity: number): ValType[] {
  const special = DDI_PARAMS[name] ?? {};
  const params: ValType[] = Array.from({ length: arity }, (_, i) => (special[i] === 'i64' ? I64 : I32));
  if (Object.values(special).includes('varargs')) params.push(I32);
  return DDI_AGGREGATE_RESULTS.has(name) ? [I32, ...params] : params;
}

/** The type the driver calls a routine with `params` through; a default (one i32 result) if it never does. */
export function chooseType(params: readonly ValType[], candidates: readonly FuncType[]): FuncType {
  const same = (a: readonly ValType[], b: readonly ValType[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const fits = candidates.filter((t) => same(t.params, params));
  return fits.find((t) => t.results.length > 0) ?? fits[0] ?? { params, results: [I32] };
}

/** A module that imports dv.f of `type` and exports it: instantiated, its export can enter a table. */
export function trampolineModule(type: FuncType): Uint8Array<ArrayBuffer> {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const functype = [0x60, ...uleb(type.params.length), ...type.params, ...uleb(type.results.length), ...type.results];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, ...functype]),
    ...section(2, [1, ...nameBytes('dv'), ...nameBytes('f'), 0x00, 0x00]),
    ...section(7, [1, ...nameBytes('f'), 0x00, 0x00]),
  ]);
}
