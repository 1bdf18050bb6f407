/**
 * SymbolData for a wasm driver image: functions from the code and name sections, lines from DWARF.
 * Every address is an offset from the start of the Code section payload, the base DWARF uses; the
 * loader adds the image's code base to all of them.
 */
import type { FunctionSymbol, SymbolData } from '../../kernel/symbols.ts';
import { readCompDirs } from './dwarf-info.ts';
import { readFunctionNames } from './dwarf-names.ts';
import { readInlineSites } from './dwarf-inlines.ts';
import { readLocals } from './dwarf-locals.ts';
import type { InlineSite, LocalsData } from '../../kernel/symbols.ts';
import { readDebugLine, toSymbolLines, type LineTableRow } from './dwarf-line.ts';
import { ByteReader, hexOffset } from './reader.ts';
import { nextInstruction, OP, skipLocals } from './instructions.ts';
import { readNameSection, readWasmSections, type WasmSections } from './sections.ts';

export interface CodeSection {
  /** Module offset of the Code section payload. */
  readonly offset: number;
  readonly size: number;
}

export interface WasmSymbolData extends SymbolData {
  /** Where the Code section payload sits in the module, to turn V8 positions into these addresses. */
  readonly code: CodeSection;
}

/** Symbols of a module; imports are not functions of the image and are left out. */
export function wasmSymbols(module: Uint8Array | WasmSections): WasmSymbolData {
  const s = module instanceof Uint8Array ? readWasmSections(module) : module;
  const names = readNameSection(s);
  const cxx = cxxNames(s);
  const functions: FunctionSymbol[] = s.functionBodies.map((b) => {
    const linkage = names.get(b.index);
    // wasm-ld writes C++ names demangled with their parameters (`RequestLog::Append(unsigned long, long)`),
    // or mangled with --no-demangle; WinDbg shows `RequestLog::Append`: DWARF's qualified name when it
    // has the function, else the demangled name without its parameter list.
    const name = linkage !== undefined && isCxxName(linkage) ? msvcSpelling(cxx.find(b.start, b.end) ?? withoutParameters(linkage)) : linkage;
    // V8 prints unnamed functions the same way in stack traces.
    return { name: name ?? `wasm-function[${b.index}]`, start: b.start, size: b.end - b.start };
  });
  const inlines = wasmInlineSites(s);
  return { functions, ...toSymbolLines(wasmLineRows(s)), ...(inlines.length > 0 ? { inlines } : {}), code: s.code ?? { offset: 0, size: 0 } };
}

/** A C++ name as wasm-ld writes it: demangled with a parameter list, or still mangled. A C name is neither. */
function isCxxName(name: string): boolean {
  return name.startsWith('_Z') || name.endsWith(')') || name.endsWith(') const');
}

/**
 * Template arguments as MSVC (and so WinDbg) spells them: no space after a comma and no suffix on an
 * integer (clang's DWARF has `Ring<unsigned long, 16UL>`; WinDbg shows `Ring<unsigned long,16>`).
 */
export function msvcSpelling(name: string): string {
  return name.replace(/, /g, ',').replace(/\b(\d+)(?:ULL|LL|UL|U|L)\b/gi, '$1');
}

/**
 * `Ns::Box<int>::Get(int) const` -> `Ns::Box<int>::Get`: the parameter list is the last top-level
 * parenthesis (a template argument may hold parentheses too).
 */
export function withoutParameters(name: string): string {
  const end = name.lastIndexOf(')');
  if (end < 0) return name;
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    const c = name[i];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) return i > 0 ? name.slice(0, i) : name;
  }
  return name;
}

/**
 * DWARF's qualified function names, found by the code range of a function body. Read on the first
 * mangled name only: a C image's debug info is not walked.
 */
function cxxNames(s: WasmSections): { find(start: number, end: number): string | undefined } {
  const debugInfo = s.custom.get('.debug_info')?.bytes;
  const debugAbbrev = s.custom.get('.debug_abbrev')?.bytes;
  if (!debugInfo || !debugAbbrev) return { find: () => undefined };
  let sorted: [number, string][] | undefined;
  const strings = { debugStr: s.custom.get('.debug_str')?.bytes, debugLineStr: s.custom.get('.debug_line_str')?.bytes };
  return {
    find(start, end) {
      const byPc = (sorted ??= [...readFunctionNames({ debugInfo, debugAbbrev, ...strings })].sort((a, b) => a[0] - b[0]));
      // The first subprogram whose low_pc lies in [start, end): binary search on the sorted list.
      let lo = 0;
      let hi = byPc.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byPc[mid]![0] < start) lo = mid + 1;
        else hi = mid;
      }
      const hit = byPc[lo];
      return hit && hit[0] < end ? hit[1] : undefined;
    },
  };
}

/** The module's line rows with columns and flags (none without `.debug_line`). */
export function wasmLineRows(module: Uint8Array | WasmSections): LineTableRow[] {
  const s = module instanceof Uint8Array ? readWasmSections(module) : module;
  const section = (name: string) => s.custom.get(name)?.bytes;
  const debugLine = section('.debug_line');
  if (!debugLine) return [];
  const strings = { debugStr: section('.debug_str'), debugLineStr: section('.debug_line_str') };
  const debugInfo = section('.debug_info');
  const debugAbbrev = section('.debug_abbrev');
  const compDirs = debugInfo && debugAbbrev ? readCompDirs({ debugInfo, debugAbbrev, ...strings }) : undefined;
  return readDebugLine({ debugLine, compDirs, ...strings });
}

/**
 * A V8 wasm position (CallSite.getPosition(), the `:0x…` of `wasm-function[i]:0x…`) is a module offset;
 * symbols are Code-section relative.
 */
export function positionToCodeOffset(modulePosition: number, code: CodeSection): number {
  const offset = modulePosition - code.offset;
  if (!(offset >= 0 && offset < code.size))
    throw new RangeError(`module position ${hexOffset(modulePosition)} lies outside the code section [${hexOffset(code.offset)}, ${hexOffset(code.offset + code.size)})`);
  return offset;
}

/** The image's inlined calls (none without `.debug_info`). */
function wasmInlineSites(s: WasmSections): InlineSite[] {
  const section = (name: string) => s.custom.get(name)?.bytes;
  const debugInfo = section('.debug_info');
  const debugAbbrev = section('.debug_abbrev');
  if (!debugInfo || !debugAbbrev) return [];
  return readInlineSites({ debugInfo, debugAbbrev, debugRanges: section('.debug_ranges'), debugStr: section('.debug_str'), debugLineStr: section('.debug_line_str') });
}

/**
 * The image's parameters and locals by scope, Code-section relative (undefined without `.debug_info` or
 * without scopes). Not part of wasmSymbols: only a dump or a debugger needs them, and reading them costs
 * a load as much again (60 ms for SampleIo), so the loader reads them when first asked.
 */
export function wasmLocals(module: Uint8Array | WasmSections): LocalsData | undefined {
  const s = module instanceof Uint8Array ? readWasmSections(module) : module;
  const section = (name: string) => s.custom.get(name)?.bytes;
  const debugInfo = section('.debug_info');
  const debugAbbrev = section('.debug_abbrev');
  if (!debugInfo || !debugAbbrev) return undefined;
  const locals = readLocals({
    debugInfo,
    debugAbbrev,
    debugRanges: section('.debug_ranges'),
    debugLoc: section('.debug_loc'),
    debugStr: section('.debug_str'),
    debugLineStr: section('.debug_line_str'),
    stackPointerGlobal: s.stackPointerGlobal,
    setsStackPointer: (codeOffset) => setsStackPointer(s, codeOffset),
    codeSize: s.code?.size ?? 0,
  });
  return locals.scopes.length > 0 ? locals : undefined;
}

/**
 * Whether the function whose body starts at `codeOffset` sets `__stack_pointer` (its prologue does when
 * it has calls or a frame past the red zone): then, while it runs, the global is its frame base.
 */
function setsStackPointer(s: WasmSections, codeOffset: number): boolean {
  const body = s.functionBodies.find((b) => b.start === codeOffset);
  if (!body || !s.code || s.stackPointerGlobal === undefined) return false;
  const r = new ByteReader(s.bytes, 'function body', s.code.offset + body.start, s.code.offset + body.end);
  try {
    skipLocals(r);
    while (r.left > 0) {
      const ins = nextInstruction(r);
      if (ins.op === OP.globalSet && new ByteReader(s.bytes, 'global.set', ins.start + 1, ins.end).u32leb('global index') === s.stackPointerGlobal) return true;
    }
  } catch {
    // Code the decoder does not know: the frame base stays unknown.
  }
  return false;
}
