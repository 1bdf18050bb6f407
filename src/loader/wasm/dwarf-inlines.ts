/**
 * Inlined calls from `.debug_info`: each DW_TAG_inlined_subroutine with code, the function inlined
 * (its abstract origin's name), the code ranges it covers, its nesting depth and the caller's line
 * (DW_AT_call_line). clang inlines small functions at -O2 (MyDriver's GetNecessaryObjects into
 * DeviceControlDispatch); the debugger shows these as inline frames, as WinDbg does.
 *
 * Ranges are DW_AT_low_pc/DW_AT_high_pc or DWARF 4's DW_AT_ranges into `.debug_ranges` (clang 16
 * writes DWARF 4 for wasm); a DWARF 5 range list (`.debug_rnglists`) is not read: such a site has
 * no inline frame. Addresses stay Code-section relative.
 */
import type { InlineSite } from '../../kernel/symbols.ts';
import { debugInfoUnits, DW_FORM, DW_UT, readForm, type StringSections } from './dwarf-forms.ts';
import { readAbbrevTable } from './dwarf-names.ts';
import { msvcSpelling } from './symbols.ts';
import { ByteReader, hexOffset, stringAt } from './reader.ts';

export interface InlineInput extends StringSections {
  readonly debugInfo: Uint8Array;
  readonly debugAbbrev: Uint8Array;
  readonly debugRanges?: Uint8Array;
}

const DW_TAG_inlined_subroutine = 0x1d;
const DW_TAG_namespace = 0x39;
/** The DIEs whose names qualify what they contain: class, structure, union, namespace. */
const SCOPES: ReadonlySet<number> = new Set([0x02, 0x13, 0x17, DW_TAG_namespace]);
const DW_AT = { name: 0x03, low_pc: 0x11, high_pc: 0x12, abstract_origin: 0x31, specification: 0x47, ranges: 0x55, call_line: 0x59 } as const;
const UNIT_REFS: ReadonlySet<number> = new Set([DW_FORM.ref1, DW_FORM.ref2, DW_FORM.ref4, DW_FORM.ref8, DW_FORM.ref_udata]);
/** Addresses wasm-ld gives code it removed (the wasm32 tombstones, -1 and -2 in .debug_ranges). */
const TOMBSTONE = 0xfffffffe;
/** A `.debug_ranges` entry whose begin is all ones selects a new base address (DWARF 4 §2.17.3). */
const BASE_SELECTION = 0xffffffff;

interface SiteDie {
  readonly origin?: number;
  readonly depth: number;
  readonly ranges: [number, number][];
  readonly callLine: number;
}

/** The inlined calls of the image, each range a row (one site may cover several ranges). */
export function readInlineSites(input: InlineInput): InlineSite[] {
  /** DW_AT_name by DIE: the string, or its offset in .debug_str (n >= 0) or .debug_line_str (-1 - n). */
  const names = new Map<number, string | number>();
  const origins = new Map<number, number>();
  /** Each DIE's parent, and the tags of the DIEs that qualify names (namespaces, classes). */
  const parents = new Map<number, number>();
  const scopes = new Map<number, number>();
  const sites: SiteDie[] = [];
  for (const unit of debugInfoUnits(input.debugInfo)) {
    if (unit.unitType !== DW_UT.compile && unit.unitType !== DW_UT.partial) continue;
    const { dies: u, abbrevOffset, addressSize, offset: unitOffset } = unit;
    const table = readAbbrevTable(input.debugAbbrev, abbrevOffset);
    // The stack of open DIEs: whether each is an inlined call (for the depth of the ones inside it), and its offset.
    const open: boolean[] = [];
    const openAt: number[] = [];
    let unitBase = 0;
    let first = true;
    while (u.left > 0) {
      const at = u.pos;
      const code = u.uleb('abbreviation code');
      if (code === 0) {
        open.pop();
        openAt.pop();
        continue;
      }
      const abbrev = table.get(code) ?? u.fail(`abbreviation ${code} not in the table at ${hexOffset(abbrevOffset)}`, at);
      let lowPc: number | undefined;
      let highPc: number | undefined;
      let highIsLength = false;
      let rangesOffset: number | undefined;
      let callLine = 0;
      for (const [attribute, form] of abbrev.specs) {
        // Strings in .debug_str are decoded only for the names inline sites need (most DIEs' are not).
        if (form === DW_FORM.strp || form === DW_FORM.line_strp) {
          const offset = u.u32('string offset');
          if (attribute === DW_AT.name) names.set(at, form === DW_FORM.strp ? offset : -1 - offset);
          continue;
        }
        const value = readForm(u, form, addressSize, input);
        if (attribute === DW_AT.name && typeof value === 'string') names.set(at, value);
        else if ((attribute === DW_AT.abstract_origin || attribute === DW_AT.specification) && typeof value === 'number') origins.set(at, UNIT_REFS.has(form) ? unitOffset + value : value);
        else if (attribute === DW_AT.low_pc && typeof value === 'number') lowPc = value;
        else if (attribute === DW_AT.high_pc && typeof value === 'number') [highPc, highIsLength] = [value, form !== DW_FORM.addr];
        else if (attribute === DW_AT.ranges && typeof value === 'number' && form === DW_FORM.sec_offset) rangesOffset = value;
        else if (attribute === DW_AT.call_line && typeof value === 'number') callLine = value;
      }
      // The unit DIE's low_pc is the base of its range lists.
      if (first) [unitBase, first] = [lowPc ?? 0, false];
      if (abbrev.tag === DW_TAG_inlined_subroutine) {
        const ranges: [number, number][] = [];
        if (lowPc !== undefined && highPc !== undefined && lowPc < TOMBSTONE) ranges.push([lowPc, highIsLength ? lowPc + highPc : highPc]);
        else if (rangesOffset !== undefined && input.debugRanges) ranges.push(...rangeList(input.debugRanges, rangesOffset, unitBase));
        sites.push({ origin: origins.get(at), depth: open.filter(Boolean).length, ranges: ranges.filter(([s, e]) => s < e), callLine });
      }
      if (openAt.length > 0) parents.set(at, openAt[openAt.length - 1]!);
      if (SCOPES.has(abbrev.tag)) scopes.set(at, abbrev.tag);
      if (abbrev.hasChildren) {
        open.push(abbrev.tag === DW_TAG_inlined_subroutine);
        openAt.push(at);
      }
    }
  }
  const text = (ref: string | number) => (typeof ref === 'string' ? ref : ref >= 0 ? stringAt(input.debugStr, '.debug_str', ref) : stringAt(input.debugLineStr, '.debug_line_str', -1 - ref));
  /** `Derived::Derived`, `Ns::Box<int>::Get`: the named DIE's name under its namespaces and classes, as WinDbg (and dwarf-names.ts) spell C++ names. */
  const qualifiedName = (origin: number | undefined): string | undefined => {
    const named = namedDie(origin, names, origins);
    if (named === undefined) return undefined;
    const parts = [text(names.get(named)!)];
    for (let p = parents.get(named); p !== undefined && scopes.has(p); p = parents.get(p)) {
      const n = names.get(p);
      parts.unshift(n !== undefined ? text(n) : scopes.get(p) === DW_TAG_namespace ? "`anonymous namespace'" : '<unnamed-type>');
    }
    return msvcSpelling(parts.join('::'));
  };
  const out: InlineSite[] = [];
  for (const s of sites) {
    const name = qualifiedName(s.origin);
    if (name === undefined || s.ranges.length === 0) continue;
    const entry = Math.min(...s.ranges.map(([start]) => start));
    for (const [start, end] of s.ranges) out.push({ start, end, entry, name, depth: s.depth, callLine: s.callLine });
  }
  return out.sort((a, b) => a.start - b.start || a.depth - b.depth);
}

/** The named DIE at the end of the abstract-origin (or specification) chain; a cycle or a dead end: undefined. */
function namedDie(origin: number | undefined, names: ReadonlyMap<number, string | number>, origins: ReadonlyMap<number, number>): number | undefined {
  for (let at = origin, hops = 0; at !== undefined && hops < 8; at = origins.get(at), hops++) if (names.has(at)) return at;
  return undefined;
}

/** A DWARF 4 range list: [begin, end) pairs relative to the base, base selections, (0, 0) at the end. */
export function rangeList(section: Uint8Array, offset: number, unitBase: number): [number, number][] {
  const r = new ByteReader(section, '.debug_ranges');
  if (offset >= section.length) r.fail(`range list offset past the end of the section (${section.length} bytes)`, offset);
  r.pos = offset;
  const out: [number, number][] = [];
  let base = unitBase;
  for (;;) {
    const begin = r.u32('range begin');
    const end = r.u32('range end');
    if (begin === 0 && end === 0) return out;
    if (begin === BASE_SELECTION) base = end;
    else if (begin < TOMBSTONE && base < TOMBSTONE) out.push([base + begin, base + end]);
  }
}
