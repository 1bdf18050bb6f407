/**
 * Symbols of a loaded image: functions (name, start, size) and, where the image has them, source
 * lines. Plain data, so a crash dump can carry it and the debugger can read it without the image.
 */
export interface FunctionSymbol {
  readonly name: string;
  readonly start: number;
  readonly size: number;
}

/** One row of a line table: code from `address` up to the next row belongs to `file(line)`. */
export interface LineRow {
  readonly address: number;
  readonly file: number;
  readonly line: number;
}

/**
 * Code of an inlined call (DWARF's DW_TAG_inlined_subroutine): [start, end) runs `name`, inlined
 * `depth` calls deep into the function holding it, called from `callLine` of its caller. A site
 * of several ranges has a row for each; `entry` is its lowest address (the base of `name+0x..`).
 */
export interface InlineSite {
  readonly start: number;
  readonly end: number;
  readonly entry: number;
  readonly name: string;
  readonly depth: number;
  readonly callLine: number;
}

export interface SymbolData {
  readonly functions: readonly FunctionSymbol[];
  readonly files: readonly string[];
  readonly lines: readonly LineRow[];
  /** Inlined calls, sorted by start (images whose debug info has none, and TypeScript drivers, leave it out). */
  readonly inlines?: readonly InlineSite[];
  /** Parameters and locals by scope, from DWARF (`dv`); images without debug info, and TypeScript drivers, leave it out. */
  readonly locals?: LocalsData;
}

/**
 * Where a variable is over a code range (absent start/end: the whole scope): in the frame's memory
 * (`fbreg`: frame base + value), at an address (`addr`), a constant (`const`), or where the host
 * cannot read it (`local`, `global`, `stack`: a wasm local, global or operand, numbered by value;
 * `none`: optimized away or an expression dv does not evaluate).
 */
export interface LocalLocation {
  readonly start?: number;
  readonly end?: number;
  readonly kind: 'fbreg' | 'addr' | 'const' | 'local' | 'global' | 'stack' | 'none';
  readonly value: number;
}

export interface LocalVariable {
  readonly name: string;
  readonly parameter: boolean;
  /** Index in LocalsData.types, or -1 when DWARF gives none. */
  readonly type: number;
  /** No entry covering an address: the value is unavailable there. */
  readonly locations: readonly LocalLocation[];
}

/**
 * A scope of variables: a function (its out-of-line code), a lexical block, or an inlined call. `parent` is
 * the index of the scope around it (-1 for a function). `frameBase` (functions only): `sp` when the frame's
 * base is the stack pointer while the function runs (so the one recorded at its call, or at its fault), or
 * unknown.
 */
export interface LocalScope {
  readonly kind: 'function' | 'block' | 'inline';
  readonly name?: string;
  readonly parent: number;
  readonly ranges: readonly (readonly [number, number])[];
  readonly frameBase?: 'sp' | 'unknown';
  readonly variables: readonly LocalVariable[];
}

/** A variable's type, named as WinDbg writes it (`struct _IRP *`, `unsigned long`, `char [16]`). */
export interface LocalType {
  readonly name: string;
  readonly size: number;
  readonly kind: 'int' | 'unsigned' | 'char' | 'wchar' | 'bool' | 'float' | 'pointer' | 'struct' | 'enum' | 'array' | 'function' | 'void';
  /** A pointer's pointee, an array's element (index in LocalsData.types). */
  readonly target?: number;
  /** An array's element count. */
  readonly count?: number;
  readonly enumerators?: readonly (readonly [string, number])[];
}

export interface LocalsData {
  readonly scopes: readonly LocalScope[];
  readonly types: readonly LocalType[];
}

export interface ModuleInfo {
  /** Module name as the debugger shows it: `nt`, `MyDriver`. */
  readonly name: string;
  /** Image file name: `ntoskrnl.exe`, `MyDriver.sys`. */
  readonly imageName: string;
  readonly base: number;
  readonly size: number;
  readonly symbols: SymbolData;
  /** Where the image came from (for `lm v`). */
  readonly path?: string;
  /** Built with `dv build --kasan` (Windows: the image's `KASAN` section): `lm` says so. */
  readonly kasan?: boolean;
}

export interface ResolvedSymbol {
  readonly module: ModuleInfo;
  readonly fn?: FunctionSymbol;
  /** The function after `fn` (or after the address when no function contains it). */
  readonly next?: FunctionSymbol;
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  /** Address of the first code of that line: the `+0x15` of `file.c(50)+0x15` is address - lineStart. */
  readonly lineStart: number;
}

export function findModule(modules: readonly ModuleInfo[], address: number): ModuleInfo | undefined {
  const a = address >>> 0;
  return modules.find((m) => a >= m.base && a < m.base + m.size);
}

/** Binary search for the last row whose key is <= address. */
function lastAtOrBelow<T>(rows: readonly T[], address: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(rows[mid]!) <= address) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function resolveSymbol(modules: readonly ModuleInfo[], address: number): ResolvedSymbol | undefined {
  const module = findModule(modules, address);
  if (!module) return undefined;
  const fns = module.symbols.functions;
  const i = lastAtOrBelow(fns, address >>> 0, (f) => f.start);
  const candidate = i >= 0 ? fns[i] : undefined;
  const fn = candidate && address >>> 0 < candidate.start + Math.max(candidate.size, 1) ? candidate : undefined;
  return { module, fn, next: fns[i + 1] };
}

export function sourceLine(modules: readonly ModuleInfo[], address: number): SourceLocation | undefined {
  const module = findModule(modules, address);
  if (!module) return undefined;
  const rows = module.symbols.lines;
  const i = lastAtOrBelow(rows, address >>> 0, (r) => r.address);
  if (i < 0) return undefined;
  const row = rows[i]!;
  // Line 0 marks code that belongs to no source line (DWARF 5 §6.2.5.1), e.g. between functions.
  if (row.line === 0) return undefined;
  // The line's first address: walk back over rows of the same line.
  let j = i;
  while (j > 0 && rows[j - 1]!.line === row.line && rows[j - 1]!.file === row.file) j--;
  return { file: module.symbols.files[row.file]!, line: row.line, lineStart: rows[j]!.address };
}

/** `MyDriver!DeviceControlDispatch+0x4c`, `nt!IofCallDriver+0x62`, or a bare address. */
export function formatSymbol(modules: readonly ModuleInfo[], address: number): string {
  const r = resolveSymbol(modules, address);
  const hex = (address >>> 0).toString(16).padStart(8, '0');
  if (!r) return hex;
  if (!r.fn) return `${r.module.name}+0x${((address >>> 0) - r.module.base).toString(16)}`;
  const off = (address >>> 0) - r.fn.start;
  return off === 0 ? `${r.module.name}!${r.fn.name}` : `${r.module.name}!${r.fn.name}+0x${off.toString(16)}`;
}

/** The inlined calls whose code holds `address`, outermost first. */
export function inlineSitesAt(module: ModuleInfo, address: number): InlineSite[] {
  const a = address >>> 0;
  return (module.symbols.inlines ?? []).filter((s) => a >= s.start && a < s.end).sort((x, y) => x.depth - y.depth);
}
