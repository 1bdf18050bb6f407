/**
 * DWARF attribute forms (DWARF 5 §7.5.6): reading a value of a given form, or skipping it. Shared by the
 * v5 line-table header (§6.2.4.1) and the compilation-unit reader. 32-bit DWARF only, so offsets are 4 bytes.
 */
import { ByteReader, hexOffset, stringAt } from './reader.ts';

export const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
} as const;

/** The string sections a form may point into. */
export interface StringSections {
  readonly debugStr?: Uint8Array;
  readonly debugLineStr?: Uint8Array;
}

/** A string for the string forms, a number for constants and offsets, undefined for blocks and flags. */
export type FormValue = string | number | undefined;

/**
 * Reads one value. `strx` forms come back as their index (a number): resolving them needs the unit's
 * DW_AT_str_offsets_base, which only the caller knows.
 */
export function readForm(r: ByteReader, form: number, addressSize: number, strings: StringSections): FormValue {
  let at = r.pos;
  while (form === DW_FORM.indirect) {
    form = r.uleb('DW_FORM_indirect form');
    at = r.pos;
  }
  switch (form) {
    case DW_FORM.string:
      return r.cstring('DW_FORM_string');
    case DW_FORM.strp:
      return stringAt(strings.debugStr, '.debug_str', r.u32('DW_FORM_strp offset'));
    case DW_FORM.line_strp:
      return stringAt(strings.debugLineStr, '.debug_line_str', r.u32('DW_FORM_line_strp offset'));
    case DW_FORM.data1:
    case DW_FORM.ref1:
    case DW_FORM.flag:
    case DW_FORM.strx1:
    case DW_FORM.addrx1:
      return r.u8('1-byte form');
    case DW_FORM.data2:
    case DW_FORM.ref2:
    case DW_FORM.strx2:
    case DW_FORM.addrx2:
      return r.u16('2-byte form');
    case DW_FORM.strx3:
    case DW_FORM.addrx3:
      return r.u16('3-byte form') + r.u8('3-byte form') * 0x10000;
    case DW_FORM.data4:
    case DW_FORM.ref4:
    case DW_FORM.ref_addr:
    case DW_FORM.sec_offset:
    case DW_FORM.strp_sup:
    case DW_FORM.ref_sup4:
    case DW_FORM.strx4:
    case DW_FORM.addrx4:
      return r.u32('4-byte form');
    case DW_FORM.data8:
    case DW_FORM.ref8:
    case DW_FORM.ref_sig8:
    case DW_FORM.ref_sup8:
      return r.u64('8-byte form');
    case DW_FORM.addr:
      if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported address size ${addressSize}`, at);
      return addressSize === 4 ? r.u32('address') : r.u64('address');
    case DW_FORM.udata:
    case DW_FORM.ref_udata:
    case DW_FORM.strx:
    case DW_FORM.addrx:
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
      return r.uleb('LEB128 form');
    case DW_FORM.sdata:
      return r.sleb('LEB128 form');
    case DW_FORM.data16:
      r.skip(16, 'DW_FORM_data16');
      return undefined;
    case DW_FORM.block1:
      r.skip(r.u8('block length'), 'DW_FORM_block1');
      return undefined;
    case DW_FORM.block2:
      r.skip(r.u16('block length'), 'DW_FORM_block2');
      return undefined;
    case DW_FORM.block4:
      r.skip(r.u32('block length'), 'DW_FORM_block4');
      return undefined;
    case DW_FORM.block:
    case DW_FORM.exprloc:
      r.skip(r.uleb('block length'), 'DW_FORM_block');
      return undefined;
    case DW_FORM.flag_present:
    case DW_FORM.implicit_const: // the value lives in the abbreviation, not the entry
      return undefined;
    default:
      return r.fail(`unsupported attribute form ${hexOffset(form)}`, at);
  }
}

/** DWARF 5 unit types (§7.5.1). */
export const DW_UT = { compile: 1, type: 2, partial: 3, skeleton: 4, split_compile: 5, split_type: 6 } as const;

export interface DebugInfoUnit {
  /** The section offset of the unit's header (DW_FORM_ref* offsets count from it). */
  readonly offset: number;
  /** DW_UT_*: compile for DWARF 2-4, which have no unit type. */
  readonly unitType: number;
  readonly abbrevOffset: number;
  readonly addressSize: number;
  /** The unit's DIEs, from the first. */
  readonly dies: ByteReader;
}

/** Every unit of .debug_info (32-bit DWARF 2 to 5), its header read (§7.5.1). */
export function* debugInfoUnits(debugInfo: Uint8Array): Generator<DebugInfoUnit> {
  const r = new ByteReader(debugInfo, '.debug_info');
  while (r.left > 0) {
    const offset = r.pos;
    const length = r.u32('unit_length');
    if (length >= 0xfffffff0) r.fail(length === 0xffffffff ? '64-bit DWARF unit (unsupported)' : `reserved unit_length ${hexOffset(length)}`, offset);
    if (length > r.left) r.fail(`unit_length ${hexOffset(length)} runs past the end of the section (${hexOffset(r.left)} bytes left)`, offset);
    const u = r.sub(length, '.debug_info');
    const versionAt = u.pos;
    const version = u.u16('version');
    if (version < 2 || version > 5) u.fail(`unsupported unit version ${version}`, versionAt);
    if (version >= 5) {
      const unitType = u.u8('unit_type');
      const addressSize = u.u8('address_size');
      const abbrevOffset = u.u32('debug_abbrev_offset');
      if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) u.skip(8, 'dwo_id');
      yield { offset, unitType, abbrevOffset, addressSize, dies: u };
    } else {
      const abbrevOffset = u.u32('debug_abbrev_offset');
      const addressSize = u.u8('address_size');
      yield { offset, unitType: DW_UT.compile, abbrevOffset, addressSize, dies: u };
    }
  }
}
