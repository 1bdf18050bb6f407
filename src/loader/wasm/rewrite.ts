/**
 * The load-time rewrite of a driver's code. One pass over the Code section that inserts probes
 * between instructions, and an offset map from the rewritten module back to the original code, so
 * traps, host stack frames and probe sites still resolve through the module's own DWARF and name
 * section (which keep describing the original code).
 *
 * Probes added so far:
 * - **the back-edge budget** (runaway detection): at the top of every `loop` body a module-local
 *   counter is decremented; when it reaches zero the probe calls the kernel's watchdog with the loop's
 *   code address, and the watchdog returns the next quantum. Every back edge in wasm is a branch to
 *   a `loop`, so every iteration of every loop is counted, with or without calls in it.
 *
 * The probe calls the kernel through `call_indirect` on a table slot the loader reserves, and its
 * counter is a global defined (not imported) by the rewrite: both are appended at the end of their
 * index spaces, so no function, global or type index of the original module moves and nothing
 * else in the module (calls, element segments, exports, names) needs renumbering.
 */
import { ByteReader, MalformedWasmError } from './reader.ts';
import { nextInstruction, OP, skipLocals } from './instructions.ts';

const FUNCTION_TABLE_IMPORT = '__indirect_function_table';

export interface RewriteOptions {
  /** Table slot of the watchdog entry `(pc: i32) -> i32` (next quantum), in table 0. */
  readonly watchdogSlot: number;
  /** Code address of the Code section's first byte: probe sites are reported as codeBase + offset. */
  readonly codeBase: number;
  /** Back edges between two calls of the watchdog. */
  readonly quantum: number;
}

export interface RewrittenModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Number of loop probes inserted. */
  readonly loops: number;
  /**
   * A position in the rewritten module (as V8 reports a wasm frame) -> the Code-section-relative
   * offset of the original instruction it came from; undefined outside the code.
   */
  toOriginal(position: number): number | undefined;
}

const TYPE = 1, IMPORT = 2, TABLE = 4, GLOBAL = 6, CODE = 10;
/** Sections after which the global section may be inserted, in the binary format's order. */
const BEFORE_GLOBAL = new Set([1, 2, 3, 4, 5, 13]);

interface RawSection {
  readonly id: number;
  /** Offset of the section id byte, and of the payload. */
  readonly start: number;
  readonly payload: number;
  readonly end: number;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  n |= 0;
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const nameBytes = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];

function readSections(bytes: Uint8Array): RawSection[] {
  const r = new ByteReader(bytes, 'wasm module', 8);
  const out: RawSection[] = [];
  while (r.left > 0) {
    const start = r.pos;
    const id = r.u8('section id');
    const size = r.u32leb('section size');
    r.need(size, 'section payload');
    out.push({ id, start, payload: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return out;
}

/** Imported globals and whether table 0 is imported (the shared function table). */
function readImports(bytes: Uint8Array, s: RawSection | undefined): { globals: number; tables: number } {
  let globals = 0, tables = 0;
  if (!s) return { globals, tables };
  const r = new ByteReader(bytes, 'import section', s.payload, s.end);
  const n = r.u32leb('import count');
  for (let i = 0; i < n; i++) {
    r.name('module');
    r.name('name');
    const kind = r.u8('import kind');
    if (kind === 0) r.u32leb('type');
    else if (kind === 1) {
      tables++;
      r.u8('reftype');
      const flags = r.u8('limits');
      r.u32leb('min');
      if (flags & 1) r.u32leb('max');
    } else if (kind === 2) {
      const flags = r.u8('limits');
      r.u32leb('min');
      if (flags & 1) r.u32leb('max');
    } else if (kind === 3) {
      globals++;
      r.u8('valtype');
      r.u8('mut');
    } else if (kind === 4) {
      r.u8('attribute');
      r.u32leb('type');
    } else throw new MalformedWasmError(`import section: unknown import kind ${kind}`);
  }
  return { globals, tables };
}

/** A vector section with one more entry appended (a new section if there was none). */
function appendEntry(bytes: Uint8Array, s: RawSection | undefined, id: number, what: string, entry: number[]): { section: number[]; index: number } {
  let count = 0;
  let rest: number[] = [];
  if (s) {
    const r = new ByteReader(bytes, what, s.payload, s.end);
    count = r.u32leb(`${what} count`);
    rest = [...bytes.subarray(r.pos, s.end)];
  }
  const payload = [...uleb(count + 1), ...rest, ...entry];
  return { section: [id, ...uleb(payload.length), ...payload], index: count };
}

export function rewriteModule(bytes: Uint8Array, opts: RewriteOptions): RewrittenModule {
  const sections = readSections(bytes);
  const find = (id: number) => sections.find((s) => s.id === id);
  const code = find(CODE);
  const imports = readImports(bytes, find(IMPORT));
  // The probes call through table 0, the machine's function table. A module that takes no function
  // pointers does not import it: import it (an import appended at the end moves no function index).
  if (imports.tables === 0 && find(TABLE)) throw new MalformedWasmError('table 0 is not the imported function table: not a module built by dv build');
  if (!find(IMPORT)) throw new MalformedWasmError('the module imports nothing (not even memory): not a module built by dv build');
  const tableImport = imports.tables === 0 ? appendEntry(bytes, find(IMPORT), IMPORT, 'import section', [...nameBytes('env'), ...nameBytes(FUNCTION_TABLE_IMPORT), 0x01, 0x70, 0x00, 0x00]) : undefined;

  const type = appendEntry(bytes, find(TYPE), TYPE, 'type section', [0x60, 1, 0x7f, 1, 0x7f]);
  const globalEntry = [0x7f, 0x01, OP.i32Const, ...sleb(opts.quantum), OP.end];
  const global = appendEntry(bytes, find(GLOBAL), GLOBAL, 'global section', globalEntry);
  const budgetGlobal = imports.globals + global.index;

  const g = uleb(budgetGlobal);
  // counter -= 1; if (counter == 0) counter = watchdog(pc): one global and a branch per iteration.
  const probe = (pc: number) => [
    OP.globalGet, ...g, OP.i32Const, 1, OP.i32Sub, OP.globalSet, ...g,
    OP.globalGet, ...g, OP.i32Eqz, OP.if, 0x40,
    OP.i32Const, ...sleb(pc), OP.i32Const, ...sleb(opts.watchdogSlot), OP.callIndirect, ...uleb(type.index), 0x00,
    OP.globalSet, ...g,
    OP.end,
  ];

  // Assemble: every section in order, the replaced ones rebuilt, the global section inserted if new.
  const out: number[] = [...bytes.subarray(0, 8)];
  // Copied runs of code: [newStart, oldStart, length]; probes: [newStart, loopOffset, length, 1].
  const runs: number[][] = [];
  let loops = 0;
  let globalWritten = find(GLOBAL) !== undefined; // rewritten in place when present
  const emitGlobalIfDue = (nextId: number) => {
    if (!globalWritten && !BEFORE_GLOBAL.has(nextId) && nextId !== 0) {
      out.push(...global.section);
      globalWritten = true;
    }
  };
  for (const s of sections) {
    emitGlobalIfDue(s.id);
    if (s.id === TYPE) out.push(...type.section);
    else if (s.id === IMPORT && tableImport) out.push(...tableImport.section);
    else if (s.id === GLOBAL) out.push(...global.section);
    else if (s.id === CODE) {
      const body = rewriteCode(bytes, s, (offset) => probe(opts.codeBase + offset));
      loops += body.loops;
      out.push(CODE, ...uleb(body.bytes.length));
      const payloadAt = out.length;
      for (const run of body.runs) runs.push([run[0]! + payloadAt, run[1]!, run[2]!, run[3]!]);
      out.push(...body.bytes);
    } else out.push(...bytes.subarray(s.start, s.end));
  }
  if (!globalWritten) out.push(...global.section);
  if (!find(TYPE)) throw new MalformedWasmError('the module has no type section');

  const codeStart = code?.payload ?? 0;
  const starts = runs.map((r) => r[0]!);
  return {
    bytes: new Uint8Array(out),
    loops,
    toOriginal(position) {
      let lo = 0, hi = starts.length - 1, at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! <= position) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (at < 0) return undefined;
      const [newStart, oldStart, length, isProbe] = runs[at]!;
      if (position >= newStart! + length!) return undefined;
      return (isProbe ? oldStart! : oldStart! + (position - newStart!)) - codeStart;
    },
  };
}

/** The Code section payload with probes; `runs` hold payload-relative new starts (the caller rebases them). */
function rewriteCode(bytes: Uint8Array, s: RawSection, probe: (codeOffset: number) => number[]): { bytes: number[]; runs: number[][]; loops: number } {
  const r = new ByteReader(bytes, 'code section', s.payload, s.end);
  const out: number[] = [];
  const runs: number[][] = [];
  let loops = 0;
  const n = r.u32leb('function body count');
  out.push(...uleb(n));
  for (let i = 0; i < n; i++) {
    const size = r.u32leb(`size of function body ${i}`);
    const bodyStart = r.pos;
    const bodyEnd = bodyStart + size;
    r.need(size, `function body ${i}`);
    r.pos = bodyEnd;
    const body = new ByteReader(bytes, `function body ${i}`, bodyStart, bodyEnd);
    skipLocals(body);
    // The body's new bytes, with its runs relative to the body's start.
    const chunk: number[] = [];
    const bodyRuns: number[][] = [];
    let runFrom = bodyStart;
    const flush = (to: number) => {
      if (to > runFrom) {
        bodyRuns.push([chunk.length, runFrom, to - runFrom]);
        for (let p = runFrom; p < to; p++) chunk.push(bytes[p]!);
      }
      runFrom = to;
    };
    while (body.pos < bodyEnd) {
      const ins = nextInstruction(body);
      if (ins.op === OP.loop) {
        flush(ins.end);
        const p = probe(ins.start - s.payload);
        bodyRuns.push([chunk.length, ins.start, p.length, 1]);
        chunk.push(...p);
        loops++;
      }
    }
    flush(bodyEnd);
    const sizeField = uleb(chunk.length);
    const chunkAt = out.length + sizeField.length;
    out.push(...sizeField, ...chunk);
    for (const run of bodyRuns) runs.push([run[0]! + chunkAt, run[1]!, run[2]!, run[3] ?? 0]);
  }
  if (r.pos !== s.end) r.fail(`${s.end - r.pos} bytes after the last function body`);
  return { bytes: out, runs, loops };
}
