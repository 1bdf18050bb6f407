/**
 * The wasm binary container: section layout, function bodies, and the `name` and `dylink.0` custom
 * sections. Only what symbols and relocation need; V8 validates the rest at compile time.
 */
import { ByteReader } from './reader.ts';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];
const IMPORT_SECTION = 2;
const FUNCTION_SECTION = 3;
const CODE_SECTION = 10;

export interface WasmSection {
  readonly id: number;
  /** The custom section's name; the section kind (`code`, `import`) for the others. */
  readonly name: string;
  /** Module offset of the section's id byte: the section is the bytes [start, offset + size). */
  readonly start: number;
  /** Module offset of the payload (after the id, size and, for custom sections, the name). */
  readonly offset: number;
  readonly size: number;
}

export interface CustomSection {
  readonly name: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** A defined function's body, from just after its size field to its end, relative to the Code payload. */
export interface FunctionBody {
  /** Index in the function index space, which counts imported functions first. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export interface WasmSections {
  readonly bytes: Uint8Array;
  readonly sections: readonly WasmSection[];
  /** The Code section payload: DWARF addresses are offsets from `offset`. Absent without functions. */
  readonly code?: { readonly offset: number; readonly size: number };
  /** Custom sections by name (the first, if a name repeats). */
  readonly custom: ReadonlyMap<string, CustomSection>;
  readonly importedFunctions: number;
  /** Imported globals and tables: they come first in their index spaces too. */
  readonly importedGlobals: number;
  readonly importedTables: number;
  /** The global index of the imported `env.__stack_pointer` (the shadow stack's top), when the module has one. */
  readonly stackPointerGlobal?: number;
  readonly functionBodies: readonly FunctionBody[];
}

export function readWasmSections(bytes: Uint8Array): WasmSections {
  const r = new ByteReader(bytes, 'wasm module');
  r.need(8, 'wasm header');
  const magic = r.u32('magic');
  if (magic !== 0x6d736100) r.fail(`not a wasm module: bad magic ${hex8(magic)} (expected 0061736d)`, 0);
  const version = r.u32('version');
  if (version !== 1) r.fail(`unsupported wasm version ${version} (expected 1)`, 4);

  const sections: WasmSection[] = [];
  const custom = new Map<string, CustomSection>();
  let imports: Imports = { functions: 0, globals: 0, tables: 0 };
  let declaredFunctions: number | undefined;
  let code: WasmSections['code'];
  let functionBodies: FunctionBody[] = [];
  while (r.left > 0) {
    const headerAt = r.pos;
    const id = r.u8('section id');
    const kind = `section ${id} (${SECTION_NAMES[id] ?? 'unknown'})`;
    const size = r.u32leb(`${kind} size`);
    r.need(size, `${kind} payload`);
    const payload = r.sub(size, `wasm ${kind}`);
    if (id === 0) {
      const name = payload.name('custom section name');
      const section = { id, name, start: headerAt, offset: payload.pos, size: payload.left };
      sections.push(section);
      if (!custom.has(name)) custom.set(name, { name, offset: section.offset, bytes: bytes.subarray(payload.pos, payload.end) });
      continue;
    }
    if (sections.some((s) => s.id === id)) r.fail(`second ${kind}`, headerAt);
    sections.push({ id, name: SECTION_NAMES[id] ?? `unknown ${id}`, start: headerAt, offset: payload.pos, size });
    if (id === IMPORT_SECTION) imports = countImports(payload);
    else if (id === FUNCTION_SECTION) declaredFunctions = payload.u32leb('function count');
    else if (id === CODE_SECTION) {
      code = { offset: payload.pos, size };
      functionBodies = readBodies(payload, imports.functions);
    }
  }
  if (functionBodies.length !== (declaredFunctions ?? 0))
    r.fail(`the function section declares ${declaredFunctions ?? 0} functions but the code section has ${functionBodies.length} bodies`, code?.offset ?? r.pos);
  return { bytes, sections, code, custom, importedFunctions: imports.functions, importedGlobals: imports.globals, importedTables: imports.tables, ...(imports.stackPointer !== undefined ? { stackPointerGlobal: imports.stackPointer } : {}), functionBodies };
}

const hex8 = (n: number) => [0, 8, 16, 24].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, '0')).join('');

interface Imports {
  readonly functions: number;
  readonly globals: number;
  readonly tables: number;
  readonly stackPointer?: number;
}

/** How many functions, globals and tables the module imports, and which global is `env.__stack_pointer`. */
function countImports(r: ByteReader): Imports {
  let stackPointer: number | undefined;
  let functions = 0;
  let globals = 0;
  let tables = 0;
  const count = r.u32leb('import count');
  for (let i = 0; i < count; i++) {
    const module = r.name('import module');
    const name = r.name('import name');
    const at = r.pos;
    const kind = r.u8('import kind');
    switch (kind) {
      case 0: // function: type index
        r.u32leb('import type index');
        functions++;
        break;
      case 1: // table: reference type, limits
        r.u8('table reference type');
        readLimits(r);
        tables++;
        break;
      case 2: // memory
        readLimits(r);
        break;
      case 3: // global: value type, mutability
        r.u8('global value type');
        r.u8('global mutability');
        if (module === 'env' && name === '__stack_pointer') stackPointer = globals;
        globals++;
        break;
      case 4: // tag: attribute, type index
        r.u8('tag attribute');
        r.u32leb('tag type index');
        break;
      default:
        r.fail(`unknown import kind ${kind}`, at);
    }
  }
  return { functions, globals, tables, ...(stackPointer !== undefined ? { stackPointer } : {}) };
}

function readLimits(r: ByteReader): void {
  const flags = r.u8('limits flags');
  r.uleb('limits minimum');
  if (flags & 1) r.uleb('limits maximum');
}

/** Body ranges relative to the payload start (DWARF's address base); each starts after its size field. */
function readBodies(r: ByteReader, firstIndex: number): FunctionBody[] {
  const payloadStart = r.pos;
  const count = r.u32leb('function body count');
  const bodies: FunctionBody[] = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32leb(`size of function body ${i}`);
    const start = r.pos - payloadStart;
    r.skip(size, `function body ${i}`);
    bodies.push({ index: firstIndex + i, start, end: start + size });
  }
  if (r.left !== 0) r.fail(`${r.left} bytes after the last function body`);
  return bodies;
}

function sectionsOf(module: Uint8Array | WasmSections): WasmSections {
  return module instanceof Uint8Array ? readWasmSections(module) : module;
}

function customReader(s: CustomSection, what: string): ByteReader {
  return new ByteReader(s.bytes, what, 0, s.bytes.length, s.offset);
}

/** Function names by function index (imports included), from the `name` section's subsection 1. */
export function readNameSection(module: Uint8Array | WasmSections): Map<number, string> {
  const names = new Map<number, string>();
  const section = sectionsOf(module).custom.get('name');
  if (!section) return names;
  const r = customReader(section, 'name section');
  while (r.left > 0) {
    const kind = r.u8('name subsection id');
    const sub = r.sub(r.u32leb('name subsection size'), `name subsection ${kind}`);
    if (kind !== 1) continue;
    const count = sub.u32leb('function name count');
    for (let i = 0; i < count; i++) {
      const index = sub.u32leb('function index');
      names.set(index, sub.name(`name of function ${index}`));
    }
  }
  return names;
}

export interface DylinkInfo {
  readonly memorySize: number;
  /** log2 of the required alignment of the image's data, as the section stores it. */
  readonly memoryAlignment: number;
  readonly tableSize: number;
  /** log2 of the required alignment of the image's table slots. */
  readonly tableAlignment: number;
  readonly neededDynlibs: readonly string[];
}

const WASM_DYLINK_MEM_INFO = 1;
const WASM_DYLINK_NEEDED = 2;

/**
 * The `dylink.0` section that `wasm-ld -shared` writes (WebAssembly tool-conventions, DynamicLinking.md):
 * how much memory and how many table slots the image needs. Undefined when the module has none.
 */
export function readDylink(module: Uint8Array | WasmSections): DylinkInfo | undefined {
  const section = sectionsOf(module).custom.get('dylink.0');
  if (!section) return undefined;
  const r = customReader(section, 'dylink.0 section');
  let mem = { memorySize: 0, memoryAlignment: 0, tableSize: 0, tableAlignment: 0 };
  const neededDynlibs: string[] = [];
  while (r.left > 0) {
    const kind = r.u8('dylink.0 subsection id');
    const sub = r.sub(r.u32leb('dylink.0 subsection size'), `dylink.0 subsection ${kind}`);
    if (kind === WASM_DYLINK_MEM_INFO) {
      mem = {
        memorySize: sub.u32leb('memory size'),
        memoryAlignment: sub.u32leb('memory alignment'),
        tableSize: sub.u32leb('table size'),
        tableAlignment: sub.u32leb('table alignment'),
      };
    } else if (kind === WASM_DYLINK_NEEDED) {
      const count = sub.u32leb('needed library count');
      for (let i = 0; i < count; i++) neededDynlibs.push(sub.name('needed library name'));
    }
    if (kind <= WASM_DYLINK_NEEDED && sub.left !== 0) sub.fail(`${sub.left} unread bytes at the end of the subsection`);
  }
  return { ...mem, neededDynlibs };
}
