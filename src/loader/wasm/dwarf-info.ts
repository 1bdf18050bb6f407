/**
 * Just enough of `.debug_info` to pair each compilation unit's line table with its compilation
 * directory: a DWARF 4 line table leaves directory 0 implicit (DWARF 4 §6.2.4 item 11), so its paths
 * are relative to the unit DIE's DW_AT_comp_dir. Only the first DIE of each unit is read.
 */
import { debugInfoUnits, DW_UT, readForm, type DebugInfoUnit, type StringSections } from './dwarf-forms.ts';
import { ByteReader, hexOffset } from './reader.ts';

export interface DebugInfoInput extends StringSections {
  readonly debugInfo: Uint8Array;
  readonly debugAbbrev: Uint8Array;
}

const DW_AT_stmt_list = 0x10;
const DW_AT_comp_dir = 0x1b;
const DW_FORM_implicit_const = 0x21;

/** DW_AT_comp_dir by DW_AT_stmt_list, for units that have both (in a string form, not strx). */
export function readCompDirs(input: DebugInfoInput): Map<number, string> {
  const dirs = new Map<number, string>();
  for (const unit of debugInfoUnits(input.debugInfo)) {
    // Compile and partial units (and skeletons) name a line program; type units carry no code.
    if (unit.unitType !== DW_UT.compile && unit.unitType !== DW_UT.partial && unit.unitType !== DW_UT.skeleton) continue;
    const die = readUnitDie(unit, input);
    if (die?.stmtList !== undefined && die.compDir !== undefined) dirs.set(die.stmtList, die.compDir);
  }
  return dirs;
}

function readUnitDie(unit: DebugInfoUnit, input: DebugInfoInput): { stmtList?: number; compDir?: string } | undefined {
  const u = unit.dies;
  const code = u.uleb('abbreviation code');
  if (code === 0) return undefined;
  const result: { stmtList?: number; compDir?: string } = {};
  for (const [attribute, form] of findAbbrev(input.debugAbbrev, unit.abbrevOffset, code)) {
    const value = readForm(u, form, unit.addressSize, input);
    if (attribute === DW_AT_stmt_list && typeof value === 'number') result.stmtList = value;
    else if (attribute === DW_AT_comp_dir && typeof value === 'string') result.compDir = value;
  }
  return result;
}

/** The (attribute, form) pairs of abbreviation `code` in the table at `offset` (§7.5.3). */
function findAbbrev(section: Uint8Array, offset: number, code: number): [number, number][] {
  const a = new ByteReader(section, '.debug_abbrev');
  if (offset >= section.length) a.fail(`abbreviation table offset past the end of the section (${section.length} bytes)`, offset);
  a.pos = offset;
  for (;;) {
    const at = a.pos;
    const c = a.uleb('abbreviation code');
    if (c === 0) return a.fail(`abbreviation ${code} not found (the table at ${hexOffset(offset)} ends)`, at);
    a.uleb('tag');
    a.u8('has_children');
    const specs: [number, number][] = [];
    for (;;) {
      const attribute = a.uleb('attribute name');
      const form = a.uleb('attribute form');
      if (attribute === 0 && form === 0) break;
      if (form === DW_FORM_implicit_const) a.sleb('implicit constant');
      specs.push([attribute, form]);
    }
    if (c === code) return specs;
  }
}
