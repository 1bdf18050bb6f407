/**
 * The LLVM tools as a test oracle for the wasm symbol parsers: builds the C fixture with clang-16 and
 * wasm-ld-16, and records what llvm-dwarfdump, llvm-objdump, llvm-readobj and llvm-symbolizer say
 * about a module. The committed *.expected.json files are this record, so tests run without LLVM.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers.ts';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'wasm');

export const hasTool = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;

export interface Variant {
  readonly name: string;
  readonly flags: readonly string[];
}

/** v4 and v5 line tables; -O2 adds inlined code and, with -fdebug-info-for-profiling, discriminators. */
export const VARIANTS: readonly Variant[] = [
  { name: 'dwarf4-O0', flags: ['-gdwarf-4', '-O0'] },
  { name: 'dwarf5-O0', flags: ['-gdwarf-5', '-O0'] },
  { name: 'dwarf4-O2', flags: ['-gdwarf-4', '-O2', '-fdebug-info-for-profiling'] },
  { name: 'dwarf5-O2', flags: ['-gdwarf-5', '-O2', '-fdebug-info-for-profiling'] },
];

const SOURCES = ['test/fixtures/wasm/lines.c', 'test/fixtures/wasm/second.c'];

/**
 * The project's driver build (clang -c, then wasm-ld directly: the clang driver would run wasm-opt).
 * Sources are given relative to the repository root, so DWARF holds relative directories joined to the
 * compilation directory; `extraFlags` lets the committed fixtures use `-fdebug-compilation-dir=.`.
 */
export function buildFixture(variant: Variant, outDir: string, extraFlags: readonly string[] = []): string {
  const objects = SOURCES.map((src, i) => {
    const obj = join(outDir, `${variant.name}-${i}.o`);
    execFileSync('clang-16', ['--target=wasm32-unknown-emscripten', '-fPIC', '-g', ...variant.flags, ...extraFlags, '-c', src, '-o', obj], { cwd: ROOT });
    return obj;
  });
  const wasm = join(outDir, `lines-${variant.name}.wasm`);
  execFileSync('wasm-ld-16', ['--experimental-pic', '-shared', ...objects, '-o', wasm], { cwd: ROOT });
  return wasm;
}

export interface OracleRow {
  readonly address: number;
  readonly line: number;
  readonly column: number;
  readonly file: number;
  readonly isStmt: boolean;
  readonly endSequence: boolean;
}

export interface OracleUnit {
  readonly offset: number;
  readonly version: number;
  /** File names as the header lists them, by DWARF file index. */
  readonly fileNames: Record<string, string>;
  /** Full paths by file index, as llvm-symbolizer prints them for this unit's rows. */
  readonly paths: Record<string, string>;
  /** Rows as llvm-dwarfdump prints them: tombstoned sequences are already left out. */
  readonly rows: readonly OracleRow[];
}

export interface OracleFrame {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Oracle {
  readonly tools: string;
  /** llvm-readobj --sections: id, payload size (after the name, for custom sections), offset of the id byte. */
  readonly sections: readonly { id: number; size: number; offset: number; name?: string }[];
  /** Module offset of the Code section payload, from llvm-readobj's section offset and size. */
  readonly codeOffset: number;
  readonly codeSize: number;
  /** Rows of sequences the linker tombstoned (0xffffffff), from `llvm-dwarfdump --verbose`. */
  readonly tombstonedSequences: number;
  readonly units: readonly OracleUnit[];
  /** DW_TAG_subprogram with code: DW_AT_low_pc and DW_AT_high_pc. */
  readonly subprograms: readonly { name: string; lowPc: number; highPc: number }[];
  /** llvm-objdump -d function labels: the offset of each body's size field. */
  readonly labels: readonly { name: string; address: number }[];
  /** llvm-symbolizer --inlines: innermost frame first. */
  readonly symbolized: readonly { address: number; frames: readonly OracleFrame[] }[];
}

const run = (tool: string, args: readonly string[]) => execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const int = (s: string) => parseInt(s, s.startsWith('0x') ? 16 : 10);

export function consultOracle(wasm: string): Oracle {
  const units = dwarfdumpLines(run('llvm-dwarfdump-16', ['--debug-line', wasm]));
  const verbose = run('llvm-dwarfdump-16', ['--debug-line', '--verbose', wasm]);
  const labels = [...run('llvm-objdump-16', ['-d', wasm]).matchAll(/^([0-9a-f]{8}) <(.+)>:$/gm)]
    .filter((m) => m[2] !== 'CODE')
    .map((m) => ({ name: m[2]!, address: parseInt(m[1]!, 16) }));
  const sections = [...run('llvm-readobj-16', ['--sections', wasm]).matchAll(/Type: \S+ \((0x[0-9A-F]+)\)\s+Size: (\d+)\s+Offset: (\d+)(?:\s+Name: (\S+))?/g)].map((m) => ({
    id: int(m[1]!),
    size: int(m[2]!),
    offset: int(m[3]!),
    ...(m[4] ? { name: m[4] } : {}),
  }));
  const code = sections.find((x) => x.id === 10)!;
  const codeSize = code.size;
  // readobj gives the offset of the section id; the payload follows the id and the LEB128 size.
  const codeOffset = code.offset + 1 + ulebLength(codeSize);

  const samples = new Set<number>();
  for (const u of units) for (const r of u.rows) [r.address, r.address + 1].forEach((a) => samples.add(a));
  for (const l of labels) [l.address, l.address + 1].forEach((a) => samples.add(a));
  samples.add(codeSize - 1);
  const addresses = [...samples].sort((a, b) => a - b);
  const symbolized = symbolize(wasm, addresses);
  const byAddress = new Map(symbolized.map((s) => [s.address, s.frames]));

  return {
    tools: run('llvm-dwarfdump-16', ['--version']).match(/LLVM version [\d.]+/)![0],
    sections,
    codeOffset,
    codeSize,
    tombstonedSequences: [...verbose.matchAll(/DW_LNE_set_address \(0xffffffff\)/g)].length,
    units: units.map((u) => ({ ...u, paths: pathsOf(u, byAddress) })),
    subprograms: subprograms(run('llvm-dwarfdump-16', ['--debug-info', wasm])),
    labels,
    symbolized,
  };
}

export function ulebLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

export function dwarfdumpLines(text: string): Omit<OracleUnit, 'paths'>[] {
  return text.split(/^debug_line\[/m).slice(1).map((block) => {
    const rows: OracleRow[] = [];
    for (const m of block.matchAll(/^0x([0-9a-f]{16})[ \t]+(\d+)[ \t]+(\d+)[ \t]+(\d+)[ \t]+\d+[ \t]+\d+[ \t]*(.*)$/gm)) {
      const flags = m[5]!.split(/\s+/);
      rows.push({ address: parseInt(m[1]!, 16), line: int(m[2]!), column: int(m[3]!), file: int(m[4]!), isStmt: flags.includes('is_stmt'), endSequence: flags.includes('end_sequence') });
    }
    const fileNames: Record<string, string> = {};
    for (const m of block.matchAll(/^file_names\[\s*(\d+)\]:\s+name: "([^"]*)"/gm)) fileNames[m[1]!] = m[2]!;
    return { offset: parseInt(/^0x([0-9a-f]+)\]/.exec(block)![1]!, 16), version: int(/version: (\d+)/.exec(block)![1]!), fileNames, rows };
  });
}

/** For each file index, the path llvm-symbolizer prints at an address whose row uses that file. */
function pathsOf(unit: Omit<OracleUnit, 'paths'>, byAddress: ReadonlyMap<number, readonly OracleFrame[]>): Record<string, string> {
  const paths: Record<string, string> = {};
  unit.rows.forEach((r, i) => {
    const next = unit.rows[i + 1];
    // The row must be the one a lookup at its address finds: not empty, not overridden by a later row.
    if (r.endSequence || r.line === 0 || !next || next.address === r.address || paths[r.file] !== undefined) return;
    const frame = byAddress.get(r.address)?.[0];
    if (frame && frame.line === r.line) paths[r.file] = frame.file;
  });
  return paths;
}

function subprograms(text: string): Oracle['subprograms'] {
  const out: { name: string; lowPc: number; highPc: number }[] = [];
  for (const block of text.split(/^0x[0-9a-f]+:\s+/m)) {
    if (!block.startsWith('DW_TAG_subprogram')) continue;
    const low = /DW_AT_low_pc\s+\((0x[0-9a-f]+)\)/.exec(block);
    const high = /DW_AT_high_pc\s+\((0x[0-9a-f]+)\)/.exec(block);
    const name = /DW_AT_name\s+\("([^"]*)"\)/.exec(block);
    if (low && high && name) out.push({ name: name[1]!, lowPc: int(low[1]!), highPc: int(high[1]!) });
  }
  return out;
}

function symbolize(wasm: string, addresses: readonly number[]): Oracle['symbolized'] {
  const text = run('llvm-symbolizer-16', [`--obj=${wasm}`, '--inlines', ...addresses.map((a) => '0x' + a.toString(16))]);
  const blocks = text.trimEnd().split(/\n\n/);
  if (blocks.length !== addresses.length) throw new Error(`llvm-symbolizer answered ${blocks.length} of ${addresses.length} addresses`);
  return blocks.map((block, i) => {
    const lines = block.split('\n');
    const frames: OracleFrame[] = [];
    for (let j = 0; j + 1 < lines.length; j += 2) {
      const m = /^(.*):(\d+):(\d+)$/.exec(lines[j + 1]!)!;
      frames.push({ function: lines[j]!, file: m[1]!, line: int(m[2]!), column: int(m[3]!) });
    }
    return { address: addresses[i]!, frames };
  });
}

export interface CommittedFixture {
  readonly variant: Variant;
  readonly path: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly oracle: Oracle;
}

/** The committed build of a variant and what the LLVM tools said about it when it was built. */
export function committedFixture(variant: Variant): CommittedFixture {
  const path = join(FIXTURES, `lines-${variant.name}.wasm`);
  const oracle = JSON.parse(readFileSync(join(FIXTURES, `lines-${variant.name}.expected.json`), 'utf8')) as Oracle;
  return { variant, path, bytes: new Uint8Array(readFileSync(path)), oracle };
}
