/** What the loader needs to know of a driver module before instantiating it. */
import { posix } from 'node:path';
import type { SymbolData } from '../../kernel/symbols.ts';
import { readDylink, readNameSection, readWasmSections, type DylinkInfo } from './sections.ts';
import { wasmSymbols, type CodeSection } from './symbols.ts';

export interface WasmModuleInfo {
  readonly code: CodeSection;
  readonly dylink?: DylinkInfo;
  /** Code-section-relative symbols; the loader adds the image's code base. */
  readonly symbols: SymbolData;
  /** Function index -> code-section-relative start of its body: a table entry's code address. */
  readonly functionOffsets: ReadonlyMap<number, number>;
  /** Function index of the C++ runtime's `__cxa_pure_virtual`, if the image has it. */
  readonly pureVirtualFunction?: number;
}

/** The C++ ABI's routine in a vtable's pure slot. */
const PURE_VIRTUAL = '__cxa_pure_virtual';

export function describeModule(bytes: Uint8Array): WasmModuleInfo {
  const sections = readWasmSections(bytes);
  const symbols = wasmSymbols(sections);
  return {
    code: symbols.code,
    dylink: readDylink(sections),
    // `./drivers/x.c` (a relative compilation directory) reads as `drivers/x.c`.
    symbols: { ...symbols, files: symbols.files.map((f) => posix.normalize(f)) },
    functionOffsets: new Map(sections.functionBodies.map((b) => [b.index, b.start])),
    pureVirtualFunction: [...readNameSection(sections)].find(([index, name]) => name === PURE_VIRTUAL && index >= sections.importedFunctions)?.[0],
  };
}
