/**
 * The `.debug_line` line-number program (DWARF 5 §6.2; DWARF 4 §6.2 for the v4 header), 32-bit DWARF,
 * wasm32 addresses. In wasm, addresses are offsets from the start of the Code section payload.
 */
import type { LineRow } from '../../kernel/symbols.ts';
import { DW_FORM, readForm, type StringSections } from './dwarf-forms.ts';
import { ByteReader, hexOffset } from './reader.ts';

export interface LineTableRow {
  /** Offset from the start of the Code section payload. */
  readonly address: number;
  /** Full path: the file name joined to its directory, and that to the compilation directory. */
  readonly file: string;
  /** 0 means the code belongs to no source line (§6.2.2). */
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  /** The first byte after the sequence; this row describes no code. */
  readonly endSequence: boolean;
}

export interface DebugLineInput extends StringSections {
  readonly debugLine: Uint8Array;
  /**
   * DW_AT_comp_dir of each compilation unit, by the unit's DW_AT_stmt_list (its line table's offset).
   * A v4 table has no entry for the compilation directory, so without this its paths stay relative.
   */
  readonly compDirs?: ReadonlyMap<number, string>;
}

/** wasm-ld relocates the line rows of functions it removed to this address (wasm32 tombstone). */
const TOMBSTONE = 0xffffffff;

/** All rows of all units, in program order, without sequences of removed functions. */
export function readDebugLine(input: DebugLineInput): LineTableRow[] {
  const rows: LineTableRow[] = [];
  const r = new ByteReader(input.debugLine, '.debug_line');
  while (r.left > 0) {
    const unitOffset = r.pos;
    const length = r.u32('unit_length');
    if (length === 0xffffffff) r.fail('64-bit DWARF line table (unsupported)', unitOffset);
    if (length >= 0xfffffff0) r.fail(`reserved unit_length ${hexOffset(length)}`, unitOffset);
    if (length > r.left) r.fail(`unit_length ${hexOffset(length)} runs past the end of the section (${hexOffset(r.left)} bytes left)`, unitOffset);
    readUnit(r.sub(length, '.debug_line'), unitOffset, input, rows);
  }
  return rows;
}

interface Header {
  readonly version: number;
  readonly minInstLength: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardOpcodeLengths: readonly number[];
  /** Full directory paths by directory index. */
  readonly dirs: string[];
  /** Full file paths by file index: from 0 in v5, from 1 in v4 (index 0 unused). */
  readonly files: (string | undefined)[];
}

function readUnit(u: ByteReader, unitOffset: number, input: DebugLineInput, out: LineTableRow[]): void {
  const versionAt = u.pos;
  const version = u.u16('version');
  if (version !== 4 && version !== 5) u.fail(`unsupported line table version ${version} (only 4 and 5 are read)`, versionAt);
  if (version >= 5) {
    const addressSize = u.u8('address_size');
    if (addressSize !== 4) u.fail(`address_size ${addressSize} (wasm32 addresses are 4 bytes)`, u.pos - 1);
    const segmentSelectorSize = u.u8('segment_selector_size');
    if (segmentSelectorSize !== 0) u.fail(`segment_selector_size ${segmentSelectorSize} (unsupported)`, u.pos - 1);
  }
  const headerLength = u.u32('header_length');
  const header = readHeader(u.sub(headerLength, '.debug_line'), version, unitOffset, input);
  runProgram(u, header, unitOffset, out);
}

function readHeader(h: ByteReader, version: number, unitOffset: number, input: DebugLineInput): Header {
  const minInstLength = h.u8('minimum_instruction_length');
  const maxOpsAt = h.pos;
  const maxOps = h.u8('maximum_operations_per_instruction');
  if (maxOps !== 1) h.fail(`maximum_operations_per_instruction ${maxOps} (VLIW op_index is unsupported)`, maxOpsAt);
  const defaultIsStmt = h.u8('default_is_stmt') !== 0;
  const lineBase = h.i8('line_base');
  const lineRange = h.u8('line_range');
  if (lineRange === 0) h.fail('line_range 0', h.pos - 1);
  const opcodeBase = h.u8('opcode_base');
  if (opcodeBase === 0) h.fail('opcode_base 0', h.pos - 1);
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(h.u8('standard_opcode_lengths'));
  const tables = version >= 5 ? readV5Tables(h, input) : readV4Tables(h, input.compDirs?.get(unitOffset));
  return { version, minInstLength, defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths, ...tables };
}

const isAbsolute = (p: string) => p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);

/** `dir/name`, or `name` alone when it is absolute or there is no directory. */
function joinPath(dir: string | undefined, name: string): string {
  if (!dir || isAbsolute(name)) return name;
  if (!name) return dir;
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`;
}

/** DWARF 4 §6.2.4 (items 11, 12): NUL-terminated lists; directory 0 is the compilation directory. */
function readV4Tables(h: ByteReader, compDir: string | undefined): Pick<Header, 'dirs' | 'files'> {
  const dirs = [compDir ?? ''];
  for (let d = h.cstring('include_directories entry'); d !== ''; d = h.cstring('include_directories entry')) dirs.push(joinPath(compDir, d));
  const files: (string | undefined)[] = [undefined];
  for (let name = h.cstring('file_names entry'); name !== ''; name = h.cstring('file_names entry')) files.push(readV4FileRest(h, dirs, name));
  return { dirs, files };
}

/** The rest of a v4 file entry (also DW_LNE_define_file's operands): directory index, time, length. */
function readV4FileRest(h: ByteReader, dirs: readonly string[], name: string): string {
  const dirAt = h.pos;
  const dir = h.uleb('file directory index');
  h.uleb('file modification time');
  h.uleb('file length');
  if (dir >= dirs.length) h.fail(`file ${JSON.stringify(name)} names directory ${dir}, but there are ${dirs.length}`, dirAt);
  return joinPath(dirs[dir], name);
}

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

/**
 * DWARF 5 §6.2.4 (items 14–21): directory and file tables described by (content type, form) pairs.
 * Directory 0 is the compilation directory; other relative directories are relative to it (item 16).
 */
function readV5Tables(h: ByteReader, strings: StringSections): Pick<Header, 'dirs' | 'files'> {
  const rawDirs = readEntries(h, strings, 'directory');
  const compDir = rawDirs[0]?.path;
  const dirs = rawDirs.map((d, i) => (i === 0 ? d.path : joinPath(compDir, d.path)));
  const files = readEntries(h, strings, 'file name').map((f) => {
    if (f.dir >= dirs.length) h.fail(`file ${JSON.stringify(f.path)} names directory ${f.dir}, but there are ${dirs.length}`, f.at);
    return joinPath(dirs[f.dir], f.path);
  });
  return { dirs, files };
}

interface Entry {
  readonly path: string;
  readonly dir: number;
  readonly at: number;
}

function readEntries(h: ByteReader, strings: StringSections, kind: string): Entry[] {
  const formatCount = h.u8(`${kind}_entry_format_count`);
  const formats: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) formats.push([h.uleb(`${kind} content type`), h.uleb(`${kind} form`)]);
  const countAt = h.pos;
  const count = h.uleb(`${kind}s_count`);
  if (count === 0) return [];
  const pathFormat = formats.find(([type]) => type === DW_LNCT_path);
  if (!pathFormat) h.fail(`${kind} entries have no DW_LNCT_path`, countAt);
  if (![DW_FORM.string, DW_FORM.line_strp, DW_FORM.strp].includes(pathFormat[1] as never))
    h.fail(`${kind} paths use form ${hexOffset(pathFormat[1])} (only string, line_strp and strp are read)`, countAt);
  // Every entry holds a path of at least one byte, so a count beyond the bytes left is garbage.
  if (count > h.left) h.fail(`${kind}s_count ${count} exceeds the ${h.left} header bytes left`, countAt);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const at = h.pos;
    let path = '';
    let dir = 0;
    for (const [type, form] of formats) {
      const value = readForm(h, form, 4, strings);
      if (type === DW_LNCT_path) path = value as string;
      else if (type === DW_LNCT_directory_index) {
        if (typeof value !== 'number') h.fail(`DW_LNCT_directory_index in form ${hexOffset(form)}`, at);
        dir = value;
      }
    }
    entries.push({ path, dir, at });
  }
  return entries;
}

const DW_LNS = { copy: 1, advance_pc: 2, advance_line: 3, set_file: 4, set_column: 5, negate_stmt: 6, set_basic_block: 7, const_add_pc: 8, fixed_advance_pc: 9, set_prologue_end: 10, set_epilogue_begin: 11, set_isa: 12 } as const;
const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;

interface RawRow {
  address: number;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

/** The state machine of §6.2.5; rows are kept per sequence so a removed function's can be dropped whole. */
function runProgram(p: ByteReader, h: Header, unitOffset: number, out: LineTableRow[]): void {
  const initial = (): RawRow => ({ address: 0, file: 1, line: 1, column: 0, isStmt: h.defaultIsStmt, endSequence: false });
  let s = initial();
  let sequence: RawRow[] = [];
  const emit = () => sequence.push({ ...s });
  const advance = (operationAdvance: number) => (s.address += h.minInstLength * operationAdvance);
  while (p.left > 0) {
    const opAt = p.pos;
    const op = p.u8('opcode');
    if (op >= h.opcodeBase) {
      // Special opcode (§6.2.5.1): advance address and line at once, then append a row.
      const adjusted = op - h.opcodeBase;
      advance(Math.floor(adjusted / h.lineRange));
      s.line += h.lineBase + (adjusted % h.lineRange);
      emit();
    } else if (op === 0) {
      const length = p.uleb('extended opcode length');
      if (length === 0) p.fail('extended opcode of length 0', opAt);
      const x = p.sub(length, '.debug_line');
      const code = x.u8('extended opcode');
      if (code === DW_LNE.end_sequence) {
        s.endSequence = true;
        emit();
        keepSequence(sequence, h, unitOffset, p, out);
        sequence = [];
        s = initial();
      } else if (code === DW_LNE.set_address) {
        if (x.left !== 4) x.fail(`DW_LNE_set_address with a ${x.left}-byte operand (wasm32 addresses are 4 bytes)`, opAt);
        s.address = x.u32('DW_LNE_set_address operand');
      } else if (code === DW_LNE.define_file && h.version < 5) {
        h.files.push(readV4FileRest(x, h.dirs, x.cstring('DW_LNE_define_file name')));
      }
      // DW_LNE_set_discriminator and unknown extended opcodes: their length lets us step over them.
    } else {
      switch (op) {
        case DW_LNS.copy:
          emit();
          break;
        case DW_LNS.advance_pc:
          advance(p.uleb('DW_LNS_advance_pc operand'));
          break;
        case DW_LNS.advance_line:
          s.line += p.sleb('DW_LNS_advance_line operand');
          break;
        case DW_LNS.set_file:
          s.file = p.uleb('DW_LNS_set_file operand');
          break;
        case DW_LNS.set_column:
          s.column = p.uleb('DW_LNS_set_column operand');
          break;
        case DW_LNS.negate_stmt:
          s.isStmt = !s.isStmt;
          break;
        case DW_LNS.const_add_pc:
          advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
          break;
        case DW_LNS.fixed_advance_pc:
          s.address += p.u16('DW_LNS_fixed_advance_pc operand');
          break;
        case DW_LNS.set_basic_block:
        case DW_LNS.set_prologue_end:
        case DW_LNS.set_epilogue_begin:
          break;
        default:
          // set_isa and opcodes newer than this reader: skip the operands the header says they take.
          for (let i = 0; i < h.standardOpcodeLengths[op - 1]!; i++) p.uleb(`operand of standard opcode ${op}`);
      }
    }
  }
  if (sequence.length > 0) p.fail(`line program of the unit at ${hexOffset(unitOffset)} ends inside a sequence (no DW_LNE_end_sequence)`);
}

function keepSequence(sequence: readonly RawRow[], h: Header, unitOffset: number, p: ByteReader, out: LineTableRow[]): void {
  if (sequence[0]!.address === TOMBSTONE) return;
  for (const row of sequence) {
    const file = h.files[row.file];
    if (file === undefined)
      p.fail(`row at address ${hexOffset(row.address)} of the unit at ${hexOffset(unitOffset)} names file ${row.file}, which its header does not list`);
    out.push({ ...row, file });
  }
}

/**
 * The SymbolData form: rows sorted by address, files interned. An end of sequence becomes a line-0 row
 * (no source line) so the bytes after a function are not attributed to its last line; rows at a
 * sequence's end address describe no code and are left out. Addresses stay Code-section relative.
 */
export function toSymbolLines(rows: readonly LineTableRow[]): { files: string[]; lines: LineRow[] } {
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const intern = (f: string) => {
    let i = fileIndex.get(f);
    if (i === undefined) fileIndex.set(f, (i = files.push(f) - 1));
    return i;
  };
  const kept: (LineRow & { end: boolean })[] = [];
  let sequenceStart = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!row.endSequence) continue;
    for (let j = sequenceStart; j < i; j++) {
      const r = rows[j]!;
      if (r.address < row.address) kept.push({ address: r.address, file: intern(r.file), line: r.line, end: false });
    }
    kept.push({ address: row.address, file: intern(row.file), line: 0, end: true });
    sequenceStart = i + 1;
  }
  // Stable: equal addresses keep program order (the last row wins a lookup), but a sequence's end
  // goes before a sequence starting at the same address.
  kept.sort((a, b) => a.address - b.address || Number(b.end) - Number(a.end));
  return { files, lines: kept.map(({ address, file, line }) => ({ address, file, line })) };
}
