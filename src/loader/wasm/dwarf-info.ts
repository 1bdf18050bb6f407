/**
 * Just enough of `.debug_info` to pair each compilation unit's line table with its compilation
 * directory: a DWARF 4 line table leaves directory 0 implicit (DWARF 4 §6.2.4 item 11), so its paths
 * are relative to the unit DIE's DW_AT_comp_dir. Only the first DIE of each unit is read.
 */
import { readForm, type StringSections } from './dwarf-forms.ts';
import { ByteReader, hexOffset } from './reader.ts';

export interface DebugInfoInput extends StringSections {
  readonly debugInfo: Uint8Array;
  readonly debugAbbrev: Uint8Array;
}

const DW_AT_stmt_list = 0x10;
const DW_AT_comp_dir = 0x1b;
const DW_FORM_implicit_const = 0x21;
// DWARF 5 §7.5.1: unit types whose header is followed by a unit DIE that may own a line table.
const DW_UT_compile = 1;
const DW_UT_partial = 3;
const DW_UT_skeleton = 4;

/** DW_AT_comp_dir by DW_AT_stmt_list, for units that have both (in a string form, not strx). */
export function readCompDirs(input: DebugInfoInput): Map<number, string> {
  const dirs = new Map<number, string>();
  const r = new ByteReader(input.debugInfo, '.debug_info');
  while (r.left > 0) {
    const unitOffset = r.pos;
    const length = r.u32('unit_length');
    if (length >= 0xfffffff0) r.fail(length === 0xffffffff ? '64-bit DWARF unit (unsupported)' : `reserved unit_length ${hexOffset(length)}`, unitOffset);
    if (length > r.left) r.fail(`unit_length ${hexOffset(length)} runs past the end of the section (${hexOffset(r.left)} bytes left)`, unitOffset);
    const u = r.sub(length, '.debug_info');
    const unit = readUnitDie(u, input);
    if (unit?.stmtList !== undefined && unit.compDir !== undefined) dirs.set(unit.stmtList, unit.compDir);
  }
  return dirs;
}

function readUnitDie(u: ByteReader, input: DebugInfoInput): { stmtList?: number; compDir?: string } | undefined {
  const versionAt = u.pos;
  const version = u.u16('version');
  if (version < 2 || version > 5) u.fail(`unsupported unit version ${version}`, versionAt);
  let abbrevOffset: number;
  let addressSize: number;
  if (version >= 5) {
    const unitType = u.u8('unit_type');
    addressSize = u.u8('address_size');
    abbrevOffset = u.u32('debug_abbrev_offset');
    if (unitType === DW_UT_skeleton) u.skip(8, 'dwo_id');
    else if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) return undefined;
  } else {
    abbrevOffset = u.u32('debug_abbrev_offset');
    addressSize = u.u8('address_size');
  }
  const code = u.uleb('abbreviation code');
  if (code === 0) return undefined;
  const result: { stmtList?: number; compDir?: string } = {};
  for (const [attribute, form] of findAbbrev(input.debugAbbrev, abbrevOffset, code)) {
    const value = readForm(u, form, addressSize, input);
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
