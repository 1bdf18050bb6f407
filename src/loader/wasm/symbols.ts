/**
 * SymbolData for a wasm driver image: functions from the code and name sections, lines from DWARF.
 * Every address is an offset from the start of the Code section payload, the base DWARF uses; the
 * loader adds the image's code base to all of them.
 */
import type { FunctionSymbol, SymbolData } from '../../kernel/symbols.ts';
import { readCompDirs } from './dwarf-info.ts';
import { readDebugLine, toSymbolLines, type LineTableRow } from './dwarf-line.ts';
import { hexOffset } from './reader.ts';
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
  const functions: FunctionSymbol[] = s.functionBodies.map((b) => ({
    // V8 prints unnamed functions the same way in stack traces.
    name: names.get(b.index) ?? `wasm-function[${b.index}]`,
    start: b.start,
    size: b.end - b.start,
  }));
  return { functions, ...toSymbolLines(wasmLineRows(s)), code: s.code ?? { offset: 0, size: 0 } };
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
