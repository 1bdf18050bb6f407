/**
 * Parameters and locals from `.debug_info` (what kd's `dv` shows): each function with code, its lexical
 * blocks and inlined calls, their DW_TAG_formal_parameter and DW_TAG_variable entries, and the types of
 * those, named as WinDbg writes them. Each location is reduced here, once, to what the debugger can
 * use: `DW_OP_fbreg n` (memory in the frame: address-taken locals, structs, arrays), `DW_OP_addr a`
 * (statics), a constant, or a wasm local/global/operand (`DW_OP_WASM_location`), whose value lives in
 * the engine and no dump holds. Any other expression is `none` (shown as unavailable, never guessed).
 *
 * clang 16 writes DWARF 4 for wasm, so location lists are `.debug_loc` (DWARF 4 §2.6.2); a DWARF 5
 * list (`.debug_loclists`) is not read: its variables are unavailable. Addresses stay Code-section
 * relative, and DW_OP_addr stays relative to the image's `__memory_base` (the loader relocates both).
 */
import type { LocalLocation, LocalScope, LocalsData, LocalType, LocalVariable } from '../../kernel/symbols.ts';
import { debugInfoUnits, DW_FORM, DW_UT, readForm, type StringSections } from './dwarf-forms.ts';
import { rangeList } from './dwarf-inlines.ts';
import { readAbbrevTable } from './dwarf-names.ts';
import { ByteReader, hexOffset, MalformedWasmError } from './reader.ts';

export interface LocalsInput extends StringSections {
  readonly debugInfo: Uint8Array;
  readonly debugAbbrev: Uint8Array;
  readonly debugRanges?: Uint8Array;
  readonly debugLoc?: Uint8Array;
  /** The module's global index of `__stack_pointer`: a frame base in that global is the stack pointer. */
  readonly stackPointerGlobal?: number;
  /** Whether the function whose code starts there sets `__stack_pointer` (a frame base in a local is then its value). */
  readonly setsStackPointer?: (codeOffset: number) => boolean;
  /** The Code section's size: code ranges past it (damaged debug info) are dropped. */
  readonly codeSize?: number;
}

const TAG = {
  array_type: 0x01,
  class_type: 0x02,
  enumeration_type: 0x04,
  formal_parameter: 0x05,
  lexical_block: 0x0b,
  pointer_type: 0x0f,
  reference_type: 0x10,
  compile_unit: 0x11,
  structure_type: 0x13,
  subroutine_type: 0x15,
  typedef: 0x16,
  union_type: 0x17,
  inlined_subroutine: 0x1d,
  subrange_type: 0x21,
  base_type: 0x24,
  const_type: 0x26,
  enumerator: 0x28,
  subprogram: 0x2e,
  variable: 0x34,
  volatile_type: 0x35,
  restrict_type: 0x37,
  atomic_type: 0x47,
} as const;
const AT = {
  location: 0x02,
  name: 0x03,
  byte_size: 0x0b,
  low_pc: 0x11,
  high_pc: 0x12,
  const_value: 0x1c,
  upper_bound: 0x2f,
  abstract_origin: 0x31,
  count: 0x37,
  encoding: 0x3e,
  frame_base: 0x40,
  specification: 0x47,
  type: 0x49,
  ranges: 0x55,
} as const;
const ATE = { boolean: 0x02, float: 0x04, signed: 0x05, signed_char: 0x06, unsigned: 0x07, unsigned_char: 0x08, utf: 0x10 } as const;
const OP = { addr: 0x03, constu: 0x10, consts: 0x11, lit0: 0x30, lit31: 0x4f, fbreg: 0x91, stack_value: 0x9f, wasm_location: 0xed } as const;
const UNIT_REFS: ReadonlySet<number> = new Set([DW_FORM.ref1, DW_FORM.ref2, DW_FORM.ref4, DW_FORM.ref8, DW_FORM.ref_udata]);
const BLOCKS: ReadonlySet<number> = new Set([DW_FORM.exprloc, DW_FORM.block, DW_FORM.block1, DW_FORM.block2, DW_FORM.block4]);
/** Addresses wasm-ld gives removed code (-1 in .debug_info, -2 in .debug_loc/.debug_ranges). */
const TOMBSTONE = 0xfffffffe;
const BASE_SELECTION = 0xffffffff;
/** Type chains longer than this (a cycle in damaged debug info) are named `<unknown>`. */
const MAX_TYPE_DEPTH = 16;
/** Blocks and inlined calls nested deeper than this are damaged debug info, not code (and would exhaust the stack). */
const MAX_SCOPE_DEPTH = 256;
/** Location list entries read per variable at most: a damaged list must not run on. */
const MAX_LIST_ENTRIES = 4096;

/** What is kept of a DIE: only the attributes locals and their types need. */
interface Die {
  readonly tag: number;
  readonly parent: number | undefined;
  readonly children: number[];
  name?: string;
  type?: number;
  origin?: number;
  byteSize?: number;
  encoding?: number;
  count?: number;
  upperBound?: number;
  constValue?: number;
  location?: Uint8Array | number;
  frameBase?: Uint8Array;
  ranges: [number, number][];
  /** The unit's base address, for its location lists. */
  unitBase: number;
}

export function readLocals(input: LocalsInput): LocalsData {
  const dies = readDies(input);
  const types: LocalType[] = [];
  const typeIndex = new Map<number, number>();
  const scopes: LocalScope[] = [];
  const inCode = (end: number) => end <= (input.codeSize ?? 0xffffffff);

  /** A concrete DIE's name or type: its own, or its abstract origin's (or specification's), within a few hops. */
  const attr = (at: number, key: 'name' | 'type'): (string | number) | undefined => {
    let d = dies.get(at);
    for (let hops = 0; d && hops < 8; hops++) {
      if (d[key] !== undefined) return d[key];
      d = d.origin === undefined ? undefined : dies.get(d.origin);
    }
    return undefined;
  };

  const typeOf = (ref: number | undefined, depth = 0): number => {
    if (ref === undefined) return -1;
    const known = typeIndex.get(ref);
    if (known !== undefined) return known;
    const d = dies.get(ref);
    if (!d || depth > MAX_TYPE_DEPTH) return -1;
    // Qualifiers and typedefs: WinDbg names the type underneath (a PDB keeps no typedef for a local).
    if (d.tag === TAG.typedef || d.tag === TAG.const_type || d.tag === TAG.volatile_type || d.tag === TAG.restrict_type || d.tag === TAG.atomic_type) {
      const t = d.type === undefined ? voidType() : typeOf(d.type, depth + 1);
      typeIndex.set(ref, t);
      return t;
    }
    const index = types.length;
    typeIndex.set(ref, index);
    types.push({ name: '<unknown>', size: 0, kind: 'void' });
    types[index] = describe(d, depth);
    return index;
  };
  const voidType = (): number => {
    const v = types.findIndex((t) => t.kind === 'void' && t.name === 'void');
    if (v >= 0) return v;
    types.push({ name: 'void', size: 0, kind: 'void' });
    return types.length - 1;
  };
  const describe = (d: Die, depth: number): LocalType => {
    const size = u32(d.byteSize);
    switch (d.tag) {
      case TAG.base_type:
        return { name: WINDBG_BASE_NAMES[d.name ?? ''] ?? d.name ?? '<unknown>', size, kind: baseKind(d) };
      case TAG.pointer_type:
      case TAG.reference_type: {
        const target = d.type === undefined ? voidType() : typeOf(d.type, depth + 1);
        const inner = target >= 0 ? types[target]!.name : '<unknown>';
        const name = types[target]?.kind === 'function' ? '<function> *' : inner.endsWith('*') ? `${inner}*` : `${inner} *`;
        return { name, size: size || 4, kind: 'pointer', target };
      }
      case TAG.structure_type:
      case TAG.class_type:
      case TAG.union_type: {
        const word = d.tag === TAG.union_type ? 'union' : d.tag === TAG.class_type ? 'class' : 'struct';
        return { name: `${word} ${d.name ?? '<unnamed-tag>'}`, size, kind: 'struct' };
      }
      case TAG.enumeration_type: {
        const enumerators = d.children.map((c) => dies.get(c)!).filter((c) => c.tag === TAG.enumerator && c.name !== undefined).map((c) => [c.name!, Number.isSafeInteger(c.constValue) ? c.constValue! : 0] as const);
        return { name: `enum ${d.name ?? '<unnamed-tag>'}`, size: size || 4, kind: 'enum', enumerators };
      }
      case TAG.array_type: {
        const element = typeOf(d.type, depth + 1);
        const dims = d.children.map((c) => dies.get(c)!).filter((c) => c.tag === TAG.subrange_type).map((c) => c.count ?? (c.upperBound !== undefined ? c.upperBound + 1 : 0));
        const count = dims.reduce((a, b) => a * b, 1);
        const elementName = element >= 0 ? types[element]!.name : '<unknown>';
        const elementSize = element >= 0 ? types[element]!.size : 0;
        return { name: `${elementName} ${dims.map((n) => `[${n}]`).join('')}`, size: size || u32(count * elementSize), kind: 'array', target: element, count: u32(count) };
      }
      case TAG.subroutine_type:
        return { name: '<function>', size: 0, kind: 'function' };
      default:
        return { name: '<unknown>', size, kind: 'void' };
    }
  };

  const variableOf = (at: number): LocalVariable | undefined => {
    const d = dies.get(at)!;
    const name = attr(at, 'name') as string | undefined;
    if (name === undefined) return undefined;
    const type = typeOf(attr(at, 'type') as number | undefined);
    let locations: LocalLocation[] = [];
    if (d.constValue !== undefined && Number.isSafeInteger(d.constValue)) locations = [{ kind: 'const', value: d.constValue }];
    else if (d.location instanceof Uint8Array) locations = [expression(d.location)];
    else if (typeof d.location === 'number') locations = input.debugLoc ? locationList(input.debugLoc, d.location, d.unitBase).filter((l) => inCode(l.end!)) : [];
    return { name, parameter: d.tag === TAG.formal_parameter, type, locations };
  };

  /** Walk a function's (or block's, or inlined call's) children in order: its variables, then its inner scopes. */
  const addScope = (at: number, kind: LocalScope['kind'], parent: number, depth = 0): void => {
    const d = dies.get(at)!;
    if (depth > MAX_SCOPE_DEPTH) throw new MalformedWasmError(`.debug_info: scopes nested more than ${MAX_SCOPE_DEPTH} deep at ${hexOffset(at)}`);
    const ranges = d.ranges.filter(([s, e]) => s < e && inCode(e));
    if (ranges.length === 0) return;
    const index = scopes.length;
    const name = kind === 'block' ? undefined : (attr(at, 'name') as string | undefined);
    const scope: { kind: LocalScope['kind']; name?: string; parent: number; ranges: [number, number][]; frameBase?: 'sp' | 'unknown'; variables: LocalVariable[] } = {
      kind,
      ...(name !== undefined ? { name } : {}),
      parent,
      ranges,
      ...(kind === 'function' ? { frameBase: frameBaseKind(d.frameBase, input, ranges[0]![0]) } : {}),
      variables: [],
    };
    scopes.push(scope);
    const inner: [number, LocalScope['kind']][] = [];
    for (const c of d.children) {
      const child = dies.get(c)!;
      if (child.tag === TAG.formal_parameter || child.tag === TAG.variable) {
        const v = variableOf(c);
        if (v) scope.variables.push(v);
      } else if (child.tag === TAG.lexical_block) inner.push([c, 'block']);
      else if (child.tag === TAG.inlined_subroutine) inner.push([c, 'inline']);
    }
    // An inlined call (or an out-of-line copy of an inline function) may leave out the variables it
    // has no location for; its abstract instance still declares them: they are there, unavailable.
    const abstract = kind === 'block' || d.origin === undefined ? undefined : dies.get(d.origin);
    if (abstract) {
      const concrete = new Set(d.children.map((c) => dies.get(c)!.origin));
      for (const c of abstract.children) {
        const child = dies.get(c)!;
        if ((child.tag !== TAG.formal_parameter && child.tag !== TAG.variable) || concrete.has(c)) continue;
        const v = variableOf(c);
        if (v) scope.variables.push(v);
      }
    }
    // Parameters first, as WinDbg lists them.
    scope.variables.sort((a, b) => Number(b.parameter) - Number(a.parameter));
    for (const [c, k] of inner) addScope(c, k, index, depth + 1);
  };

  for (const [at, d] of dies) {
    if (d.tag !== TAG.subprogram || d.ranges.length === 0) continue;
    addScope(at, 'function', -1);
  }
  return { scopes, types };
}

/** Base types WinDbg spells otherwise than clang's DWARF (MSVC's `__int64` shows as `int64`). */
const WINDBG_BASE_NAMES: Readonly<Record<string, string>> = {
  _Bool: 'bool',
  'long long': 'int64',
  'unsigned long long': 'unsigned int64',
  'long long int': 'int64',
  'long long unsigned int': 'unsigned int64',
};

/** A size or count as the dump holds it (a u32); a damaged one that is not becomes 0. */
const u32 = (n: number | undefined): number => (n !== undefined && Number.isSafeInteger(n) && n >= 0 && n <= 0xffffffff ? n : 0);

function baseKind(d: Die): LocalType['kind'] {
  if (d.name === 'wchar_t') return 'wchar';
  switch (d.encoding) {
    case ATE.boolean:
      return 'bool';
    case ATE.float:
      return 'float';
    case ATE.signed:
      return 'int';
    case ATE.signed_char:
    case ATE.unsigned_char:
      return 'char';
    case ATE.utf:
      return d.byteSize === 2 ? 'wchar' : 'unsigned';
    default:
      return 'unsigned';
  }
}

/**
 * Whether a frame's base is the stack pointer while the function runs: DWARF says so
 * (`DW_OP_WASM_location 0x3 N` naming `__stack_pointer`), or the base is a local holding the stack
 * pointer the prologue set and stored to the global (clang keeps it in a local when the function takes
 * addresses in its frame). A function that stores no stack pointer (a leaf within the red zone) keeps
 * its frame below the global's value, at a distance only its code knows: unknown. Dynamic allocation
 * (alloca, a VLA) would lower the stack pointer below the base; clang gives such a function a frame
 * pointer local, and drivers rarely do it.
 */
function frameBaseKind(expr: Uint8Array | undefined, input: LocalsInput, codeOffset: number): 'sp' | 'unknown' {
  if (!expr) return 'unknown';
  const loc = expression(expr);
  if (loc.kind === 'global' && (input.stackPointerGlobal === undefined || loc.value === input.stackPointerGlobal)) return 'sp';
  if (loc.kind === 'local' && input.setsStackPointer?.(codeOffset) === true) return 'sp';
  return 'unknown';
}

/** One location expression, reduced: the forms dv can evaluate, `none` for anything else. */
export function expression(bytes: Uint8Array): LocalLocation {
  const none: LocalLocation = { kind: 'none', value: 0 };
  if (bytes.length === 0) return none;
  const r = new ByteReader(bytes, 'location expression');
  try {
    const op = r.u8('operation');
    let loc: LocalLocation;
    if (op === OP.fbreg) loc = { kind: 'fbreg', value: r.sleb('DW_OP_fbreg offset') };
    else if (op === OP.addr) loc = { kind: 'addr', value: r.u32('DW_OP_addr address') };
    else if (op === OP.wasm_location) {
      const where = r.u8('DW_OP_WASM_location kind');
      const index = where === 3 ? r.u32('DW_OP_WASM_location index') : r.uleb('DW_OP_WASM_location index');
      loc = { kind: where === 0 ? 'local' : where === 2 ? 'stack' : where === 1 || where === 3 ? 'global' : 'none', value: index };
    } else if (op >= OP.lit0 && op <= OP.lit31) loc = { kind: 'const', value: op - OP.lit0 };
    else if (op === OP.constu || op === OP.consts) {
      const value = constant(r, op === OP.consts);
      if (value === undefined) return none;
      loc = { kind: 'const', value };
    } else return none;
    if (!Number.isSafeInteger(loc.value)) return none;
    // A constant is a value only as DW_OP_stack_value says so; a wasm location may carry it too.
    const rest = r.left > 0 ? r.u8('operation') : undefined;
    if (loc.kind === 'const') return rest === OP.stack_value && r.left === 0 ? loc : none;
    if (rest === undefined || (rest === OP.stack_value && r.left === 0 && loc.kind !== 'fbreg' && loc.kind !== 'addr')) return loc;
    return none;
  } catch {
    return none;
  }
}

/**
 * A DW_OP_constu/consts operand as a number: LEB128 up to 64 bits, read as the two's complement it is
 * (clang writes a negative LONG as `DW_OP_constu 0xffffffffffffff90`); undefined past 2^53.
 */
function constant(r: ByteReader, signed: boolean): number | undefined {
  let value = 0n;
  let shift = 0n;
  for (let byte = 0x80; byte & 0x80; shift += 7n) {
    if (shift > 63n) r.fail('LEB128 constant longer than 64 bits');
    byte = r.u8('LEB128 constant');
    value |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80) && signed && byte & 0x40) value -= 1n << (shift + 7n);
  }
  value = BigInt.asIntN(64, value);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** A DWARF 4 location list: [begin, end) entries relative to the unit's base, base selections, (0, 0) at the end. */
function locationList(section: Uint8Array, offset: number, unitBase: number): LocalLocation[] {
  const r = new ByteReader(section, '.debug_loc');
  if (offset >= section.length) r.fail(`location list offset past the end of the section (${section.length} bytes)`, offset);
  r.pos = offset;
  const out: LocalLocation[] = [];
  let base = unitBase;
  for (let n = 0; n < MAX_LIST_ENTRIES; n++) {
    const begin = r.u32('location begin');
    const end = r.u32('location end');
    if (begin === 0 && end === 0) return out;
    if (begin === BASE_SELECTION) {
      base = end;
      continue;
    }
    const length = r.u16('location expression length');
    r.need(length, 'location expression');
    const expr = section.subarray(r.pos, r.pos + length);
    r.skip(length, 'location expression');
    if (begin < TOMBSTONE && base < TOMBSTONE && begin < end) out.push({ start: base + begin, end: base + end, ...expression(expr) });
  }
  return r.fail(`location list at ${hexOffset(offset)} has more than ${MAX_LIST_ENTRIES} entries`, offset);
}

/** Every DIE of the compile units, by section offset, with its children in order. */
function readDies(input: LocalsInput): Map<number, Die> {
  const dies = new Map<number, Die>();
  for (const unit of debugInfoUnits(input.debugInfo)) {
    if (unit.unitType !== DW_UT.compile && unit.unitType !== DW_UT.partial) continue;
    const { dies: u, abbrevOffset, addressSize, offset: unitOffset } = unit;
    const table = readAbbrevTable(input.debugAbbrev, abbrevOffset);
    const open: number[] = [];
    let unitBase = 0;
    let first = true;
    while (u.left > 0) {
      const at = u.pos;
      const code = u.uleb('abbreviation code');
      if (code === 0) {
        open.pop();
        continue;
      }
      const abbrev = table.get(code) ?? u.fail(`abbreviation ${code} not in the table at ${hexOffset(abbrevOffset)}`, at);
      const parent = open[open.length - 1];
      const die: Die = { tag: abbrev.tag, parent, children: [], ranges: [], unitBase };
      let lowPc: number | undefined;
      let highPc: number | undefined;
      let highIsLength = false;
      let rangesOffset: number | undefined;
      for (const [attribute, form] of abbrev.specs) {
        if (BLOCKS.has(form)) {
          const length = form === DW_FORM.block1 ? u.u8('block length') : form === DW_FORM.block2 ? u.u16('block length') : form === DW_FORM.block4 ? u.u32('block length') : u.uleb('block length');
          u.need(length, 'attribute block');
          const bytes = input.debugInfo.subarray(u.pos, u.pos + length);
          u.skip(length, 'attribute block');
          if (attribute === AT.location) die.location = bytes;
          else if (attribute === AT.frame_base) die.frameBase = bytes;
          continue;
        }
        const value = readForm(u, form, addressSize, input);
        if (typeof value === 'string') {
          if (attribute === AT.name) die.name = value;
          continue;
        }
        if (value === undefined) continue;
        switch (attribute) {
          case AT.type:
            die.type = UNIT_REFS.has(form) ? unitOffset + value : value;
            break;
          case AT.abstract_origin:
          case AT.specification:
            die.origin = UNIT_REFS.has(form) ? unitOffset + value : value;
            break;
          case AT.byte_size:
            die.byteSize = value;
            break;
          case AT.encoding:
            die.encoding = value;
            break;
          case AT.count:
            die.count = value;
            break;
          case AT.upper_bound:
            die.upperBound = value;
            break;
          case AT.const_value:
            die.constValue = value;
            break;
          case AT.location:
            if (form === DW_FORM.sec_offset || form === DW_FORM.data4) die.location = value;
            break;
          case AT.low_pc:
            lowPc = value;
            break;
          case AT.high_pc:
            [highPc, highIsLength] = [value, form !== DW_FORM.addr];
            break;
          case AT.ranges:
            if (form === DW_FORM.sec_offset || form === DW_FORM.data4) rangesOffset = value;
            break;
        }
      }
      if (first) {
        [unitBase, first] = [lowPc ?? 0, false];
        die.unitBase = unitBase;
      }
      if (abbrev.tag === TAG.subprogram || abbrev.tag === TAG.lexical_block || abbrev.tag === TAG.inlined_subroutine) {
        if (lowPc !== undefined && highPc !== undefined && lowPc < TOMBSTONE) die.ranges.push([lowPc, highIsLength ? lowPc + highPc : highPc]);
        else if (rangesOffset !== undefined && input.debugRanges) die.ranges.push(...rangeList(input.debugRanges, rangesOffset, unitBase));
      }
      dies.set(at, die);
      if (parent !== undefined) dies.get(parent)?.children.push(at);
      if (abbrev.hasChildren) open.push(at);
    }
  }
  return dies;
}
