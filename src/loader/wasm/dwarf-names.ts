/**
 * C++ function names as WinDbg shows them, from `.debug_info`: each subprogram with code gets the name
 * of its declaration qualified by the namespaces and classes around it (`CQueue::Push`,
 * `Ns::Box<int>::Get`, `` `anonymous namespace'::Helper``), without the parameter list. The name
 * section has only the mangled linkage names (`_ZN6CQueue4PushEv`); DWARF has the parts, so no
 * demangler is needed. A definition outside its class points at the declaration inside it
 * (DW_AT_specification); an out-of-line copy of an inline function at its abstract instance
 * (DW_AT_abstract_origin): both are followed to the DIE that has the name and the parents.
 */
import { debugInfoUnits, DW_FORM, DW_UT, readForm, type StringSections } from './dwarf-forms.ts';
import { ByteReader, hexOffset } from './reader.ts';

export interface DebugInfoSections extends StringSections {
  readonly debugInfo: Uint8Array;
  readonly debugAbbrev: Uint8Array;
}

const DW_TAG = {
  class_type: 0x02,
  structure_type: 0x13,
  union_type: 0x17,
  subprogram: 0x2e,
  namespace: 0x39,
} as const;
const DW_AT = {
  name: 0x03,
  low_pc: 0x11,
  abstract_origin: 0x31,
  specification: 0x47,
} as const;
/** The DIEs whose names qualify what they contain. */
const SCOPES: ReadonlySet<number> = new Set([DW_TAG.class_type, DW_TAG.structure_type, DW_TAG.union_type, DW_TAG.namespace]);
/** Forms holding an offset from the start of the unit; DW_FORM_ref_addr is from the start of the section. */
const UNIT_REFS: ReadonlySet<number> = new Set([DW_FORM.ref1, DW_FORM.ref2, DW_FORM.ref4, DW_FORM.ref8, DW_FORM.ref_udata]);

interface Abbrev {
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly specs: readonly (readonly [attribute: number, form: number])[];
}

interface Die {
  readonly tag: number;
  readonly parent: number | undefined;
  name?: string;
  /** DW_AT_specification or DW_AT_abstract_origin, as a section offset. */
  origin?: number;
  lowPc?: number;
}

/** Qualified name by code-section offset of each function that has code (DW_AT_low_pc > 0). */
export function readFunctionNames(input: DebugInfoSections): Map<number, string> {
  const dies = readDies(input);
  const names = new Map<number, string>();
  for (const die of dies.values()) {
    if (die.tag !== DW_TAG.subprogram || !die.lowPc) continue;
    const name = qualifiedName(die, dies);
    if (name !== undefined) names.set(die.lowPc, name);
  }
  return names;
}

function qualifiedName(die: Die, dies: ReadonlyMap<number, Die>): string | undefined {
  // Follow specification/abstract origin to the DIE that is named; a cycle ends the walk.
  let named: Die | undefined = die;
  for (let hops = 0; named && named.name === undefined && named.origin !== undefined && hops < 8; hops++) named = dies.get(named.origin);
  if (named?.name === undefined) return undefined;
  const parts = [named.name];
  for (let p = named.parent === undefined ? undefined : dies.get(named.parent); p && SCOPES.has(p.tag); p = p.parent === undefined ? undefined : dies.get(p.parent)) {
    parts.unshift(p.name ?? (p.tag === DW_TAG.namespace ? '`anonymous namespace\'' : '<unnamed-type>'));
  }
  return parts.join('::');
}

/** Every DIE of every unit, by section offset, with the attributes names need. */
function readDies(input: DebugInfoSections): Map<number, Die> {
  const dies = new Map<number, Die>();
  const tables = new Map<number, Map<number, Abbrev>>();
  for (const unit of debugInfoUnits(input.debugInfo)) {
    // Only full and partial units hold DIEs here; type and skeleton units carry no code.
    if (unit.unitType !== DW_UT.compile && unit.unitType !== DW_UT.partial) continue;
    const { dies: u, abbrevOffset, addressSize, offset: unitOffset } = unit;
    let table = tables.get(abbrevOffset);
    if (!table) tables.set(abbrevOffset, (table = readAbbrevTable(input.debugAbbrev, abbrevOffset)));
    const parents: (number | undefined)[] = [];
    let parent: number | undefined;
    while (u.left > 0) {
      const at = u.pos;
      const code = u.uleb('abbreviation code');
      if (code === 0) {
        parent = parents.pop();
        continue;
      }
      const abbrev = table.get(code) ?? u.fail(`abbreviation ${code} not in the table at ${hexOffset(abbrevOffset)}`, at);
      const die: Die = { tag: abbrev.tag, parent };
      for (const [attribute, form] of abbrev.specs) {
        const value = readForm(u, form, addressSize, input);
        if (attribute === DW_AT.name && typeof value === 'string') die.name = value;
        else if (attribute === DW_AT.low_pc && typeof value === 'number' && form === DW_FORM.addr) die.lowPc = value;
        else if ((attribute === DW_AT.specification || attribute === DW_AT.abstract_origin) && typeof value === 'number') {
          die.origin = UNIT_REFS.has(form) ? unitOffset + value : value;
        }
      }
      dies.set(at, die);
      if (abbrev.hasChildren) {
        parents.push(parent);
        parent = at;
      }
    }
  }
  return dies;
}

/** One abbreviation table (§7.5.3), by code. */
export function readAbbrevTable(section: Uint8Array, offset: number): Map<number, Abbrev> {
  const a = new ByteReader(section, '.debug_abbrev');
  if (offset >= section.length) a.fail(`abbreviation table offset past the end of the section (${section.length} bytes)`, offset);
  a.pos = offset;
  const table = new Map<number, Abbrev>();
  for (;;) {
    const code = a.uleb('abbreviation code');
    if (code === 0) return table;
    const tag = a.uleb('tag');
    const hasChildren = a.u8('has_children') !== 0;
    const specs: [number, number][] = [];
    for (;;) {
      const attribute = a.uleb('attribute name');
      const form = a.uleb('attribute form');
      if (attribute === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) a.sleb('implicit constant');
      specs.push([attribute, form]);
    }
    table.set(code, { tag, hasChildren, specs });
  }
}
