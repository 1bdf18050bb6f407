/**
 * The load-time rewrite of a driver's code. One pass over the Code section that inserts probes
 * between instructions, and an offset map from the rewritten module back to the original code, so
 * traps, host stack frames and probe sites still resolve through the module's own DWARF and name
 * section (which keep describing the original code).
 *
 * Probes:
 * - **the back-edge budget** (runaway detection): at the top of every `loop` body a module-local
 *   counter is decremented; when it reaches zero the probe calls the kernel's watchdog with the loop's
 *   code address, and the watchdog returns the next quantum. Every back edge in wasm is a branch to
 *   a `loop`, so every iteration of every loop is counted, with or without calls in it.
 * - **call sites** (callers and stacks): around every `call` and `call_indirect`, the call's code
 *   address is pushed on a ring in kernel memory and popped after, so the kernel reads the driver's
 *   frames at any moment without walking the host stack. The ring's top is a module-local counter
 *   (exported as `__dv_call_sp`) that the loader keeps in step with the kernel's at every crossing.
 *
 * - **memory checks** (verified images only): before every load and store, the shadow byte of its
 *   first byte (mm's shadow, kernel/mm/shadow.ts) is read inline; only a granule that is not plainly
 *   accessible (or an access that crosses into the next granule) calls the kernel's check, which
 *   raises the stop, or answers with the address the access is to use: its own, or a scratch cell
 *   when the kernel defers an access violation to the driver's __try (see wasm-image.ts). Bulk
 *   memory (memory.copy/fill/init) calls the check for its ranges. Each function gets scratch locals
 *   for the address and a stored value, appended after its own (no local index moves).
 * - **coverage** (when asked for: `dv run --coverage`, the fuzzer): a counter per basic block (a
 *   function's entry, each arm of an `if`, a loop's head, the code after a `block`/`if` ends and after
 *   a `br_if`), incremented in kernel memory at a base the loader sets (exported as `__dv_cov_base`).
 * - **comparisons** (when asked for: the fuzzer's value profile): before every i32/i64 `eq`, `ne`, `lt`,
 *   `gt`, `le`, `ge`, its two operands are written to a ring in kernel memory at a base the loader sets
 *   (exported as `__dv_cmp_base`): a u32 count at the base, then COMPARISON_RING_ENTRIES entries of two
 *   u64s from base + 16, the count wrapped into them. The fuzzer reads the ring after each input and puts
 *   the values the driver compared its input against (magic values computed at run time) into inputs.
 * - **pure virtual calls** (C++ images only): clang fills a vtable's pure slot with `__cxa_pure_virtual`,
 *   `() -> ()`, but the caller's `call_indirect` expects the virtual function's own signature, so on
 *   wasm the call would trap as a signature mismatch before the runtime's handler runs. Each
 *   `call_indirect` of an image that has `__cxa_pure_virtual` compares its target with the slot that
 *   holds it (a global the loader sets, exported as `__dv_pure_slot`): on a match it drops the
 *   arguments, calls `__cxa_pure_virtual` (which calls `_purecall`) and yields zeros, as the call
 *   returns whatever `_purecall` left in the return register on x86; else it makes the call.
 *
 * The probe calls the kernel through `call_indirect` on a table slot the loader reserves, and its
 * counter is a global defined (not imported) by the rewrite: both are appended at the end of their
 * index spaces, so no function, global or type index of the original module moves and nothing
 * else in the module (calls, element segments, exports, names) needs renumbering.
 */
import { ByteReader, MalformedWasmError } from './reader.ts';
import { nameBytes, sleb, uleb } from './leb.ts';
import { readWasmSections, type WasmSection } from './sections.ts';
import { BULK_MEMORY, MEMORY_ACCESS, memArgOffset, nextInstruction, OP, skipLocals, UnsupportedInstructionError, type Instruction } from './instructions.ts';

const FUNCTION_TABLE_IMPORT = '__indirect_function_table';

/** The export through which the loader reads and sets an image's call-site counter. */
export const CALL_SP_EXPORT = '__dv_call_sp';
/** The export through which the loader sets where the image's coverage counters are (a u32 per site). */
export const COVERAGE_BASE_EXPORT = '__dv_cov_base';
/** The export through which the loader sets where the image's comparison ring is (RewriteOptions.comparisons). */
export const COMPARISON_BASE_EXPORT = '__dv_cmp_base';
/** Entries of the comparison ring (a power of two): each is two u64 operands, after a 16-byte header (the u32 count). */
export const COMPARISON_RING_ENTRIES = 1024;
export const COMPARISON_ENTRY_SIZE = 16;
export const COMPARISON_RING_HEADER = 16;
/** The export through which the loader moves the shadow a checked image reads (MemoryCheckOptions.movableShadow). */
export const SHADOW_BASE_EXPORT = '__dv_shadow_base';
/** The export of the back-edge budget (the iterations left before the next watchdog call): machine state a snapshot restores. */
export const BUDGET_EXPORT = '__dv_budget';
/** The export through which the loader sets the table slot of the image's `__cxa_pure_virtual`. */
export const PURE_SLOT_EXPORT = '__dv_pure_slot';

export interface RewriteOptions {
  /** Table slot of the watchdog entry `(pc: i32) -> i32` (next quantum), in table 0. */
  readonly watchdogSlot: number;
  /** Code address of the Code section's first byte: probe sites are reported as codeBase + offset. */
  readonly codeBase: number;
  /** Back edges between two calls of the watchdog. */
  readonly quantum: number;
  /**
   * The call-site ring: its address in memory 0, and the mask that wraps a byte count into it; with
   * `frameBases`, a parallel ring at that address gets the image's `__stack_pointer` at each call (0
   * for a module without one): the frame base DWARF locates the caller's memory locals from.
   */
  readonly callSites: { readonly base: number; readonly mask: number; readonly frameBases?: number };
  /**
   * The module's name in its `name` section (letters, digits, `_`): V8 names the module's script
   * `wasm://wasm/<name>-<hash>`, so the loader can tell this image's frames in a host stack.
   */
  readonly moduleName: string;
  /** Function index of the image's `__cxa_pure_virtual`, when it has one: its calls through vtables are redirected. */
  readonly pureVirtualFunction?: number;
  /** Check every memory access (verified images); absent, loads and stores run as compiled. */
  readonly memoryChecks?: MemoryCheckOptions;
  /** Count the executions of every basic block (coverage); absent, no counters. */
  readonly coverage?: boolean;
  /** Record the operands of every integer comparison in a ring (the fuzzer's value profile); absent, none. */
  readonly comparisons?: boolean;
  /**
   * The input is itself a transform of the driver's code (asyncify.ts): its Code-section offset ->
   * the original's, which probe sites report and toOriginal answers. Absent, the input is the original.
   */
  readonly originOf?: (codeOffset: number) => number | undefined;
}

export interface MemoryCheckOptions {
  /**
   * Table slot of the kernel's check `(address, length, flags, pc) -> address`: it returns the
   * address the access is to use (flags: MEMORY_CHECK_WRITE, MEMORY_CHECK_BULK).
   */
  readonly slot: number;
  /** Where mm's shadow starts in memory 0 (one byte per 8 bytes: how many of them may be touched). */
  readonly shadowBase: number;
  /**
   * The kernel moves the shadow the checks read (Force IRQL checking reads a trimmed one while IRQL is
   * raised): the base is a global, exported as SHADOW_BASE_EXPORT, that starts at shadowBase.
   */
  readonly movableShadow?: boolean;
}

/** Flags of the check's third argument. */
export const MEMORY_CHECK_WRITE = 1;
/** A bulk range (memory.copy/fill/init): the check cannot redirect it, so it must raise at once. */
export const MEMORY_CHECK_BULK = 2;

export interface RewrittenModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Number of loop probes and call-site probes inserted. */
  readonly loops: number;
  readonly calls: number;
  /** Loads, stores and bulk operations checked. */
  readonly accesses: number;
  /** With coverage: each counter's code address (codeBase + offset of the block's first instruction), by counter index. */
  readonly coverageSites: readonly number[];
  /**
   * A position in the rewritten module (as V8 reports a wasm frame) -> the Code-section-relative
   * offset of the original instruction it came from; undefined outside the code.
   */
  toOriginal(position: number): number | undefined;
}

/** `try` (legacy exceptions): opens a block like `block`, closed by `end`. */
const TRY = 0x06;
const TYPE = 1, IMPORT = 2, FUNCTION = 3, TABLE = 4, GLOBAL = 6, EXPORT = 7, CODE = 10;
/** Sections after which the global section may be inserted, in the binary format's order. */
const BEFORE_GLOBAL = new Set([1, 2, 3, 4, 5, 13]);

/** Output as a list of byte chunks, joined once at the end (no per-byte copies of big sections). */
class ChunkWriter {
  private readonly parts: Array<ArrayLike<number>> = [];
  length = 0;

  put(part: ArrayLike<number>): void {
    this.parts.push(part);
    this.length += part.length;
  }

  putAll(other: ChunkWriter): void {
    for (const p of other.parts) this.put(p);
  }

  join(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const endOf = (s: WasmSection) => s.offset + s.size;

/** The `name` custom section with its module-name subsection (0, which comes first) set to `name`. */
function withModuleName(bytes: Uint8Array, s: WasmSection | undefined, name: string): number[] {
  const subsections: number[] = [0, ...uleb(nameBytes(name).length), ...nameBytes(name)];
  if (s) {
    const r = new ByteReader(bytes, 'name section', s.offset, endOf(s));
    while (r.left > 0) {
      const at = r.pos;
      const id = r.u8('name subsection id');
      r.skip(r.u32leb('name subsection size'), `name subsection ${id}`);
      if (id !== 0) subsections.push(...bytes.subarray(at, r.pos));
    }
  }
  const payload = [...nameBytes('name'), ...subsections];
  return [0, ...uleb(payload.length), ...payload];
}

/** A vector section with entries appended (a new section if there was none); `index` is the first new one's. */
function appendEntry(bytes: Uint8Array, s: WasmSection | undefined, id: number, what: string, ...entries: number[][]): { section: number[]; index: number } {
  let count = 0;
  let rest: number[] = [];
  if (s) {
    const r = new ByteReader(bytes, what, s.offset, endOf(s));
    count = r.u32leb(`${what} count`);
    rest = [...bytes.subarray(r.pos, endOf(s))];
  }
  const payload = [...uleb(count + entries.length), ...rest, ...entries.flat()];
  return { section: [id, ...uleb(payload.length), ...payload], index: count };
}

/** How many entries a vector section has (0 when the module has none): the index the first appended one gets. */
function entryCount(bytes: Uint8Array, s: WasmSection | undefined, what: string): number {
  return s ? new ByteReader(bytes, what, s.offset, endOf(s)).u32leb(`${what} count`) : 0;
}

export function rewriteModule(bytes: Uint8Array, opts: RewriteOptions): RewrittenModule {
  const originOf = opts.originOf ?? ((o: number) => o);
  const site = (codeOffset: number) => opts.codeBase + (originOf(codeOffset) ?? codeOffset);
  const parsed = readWasmSections(bytes);
  const sections = parsed.sections;
  const find = (id: number) => sections.find((s) => s.id === id);
  const code = find(CODE);
  // The probes call through table 0, the machine's function table. A module that takes no function
  // pointers does not import it: import it (an import appended at the end moves no function index).
  if (parsed.importedTables === 0 && find(TABLE)) throw new MalformedWasmError('table 0 is not the imported function table: not a module built by dv build');
  if (!find(IMPORT)) throw new MalformedWasmError('the module imports nothing (not even memory): not a module built by dv build');
  const tableImport = parsed.importedTables === 0 ? appendEntry(bytes, find(IMPORT), IMPORT, 'import section', [...nameBytes('env'), ...nameBytes(FUNCTION_TABLE_IMPORT), 0x01, 0x70, 0x00, 0x00]) : undefined;

  const checks = opts.memoryChecks;
  // (pc) -> quantum for the watchdog; (address, length, flags, pc) -> address for the memory check.
  const type = appendEntry(bytes, find(TYPE), TYPE, 'type section', [0x60, 1, 0x7f, 1, 0x7f], ...(checks ? [[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]] : []));
  const checkType = type.index + 1;
  const pure = opts.pureVirtualFunction;
  // Globals, appended after the module's own: each gets the next index, and some an export.
  const newGlobals: number[][] = [];
  const exports: number[][] = [];
  const firstGlobal = parsed.importedGlobals + entryCount(bytes, find(GLOBAL), 'global section');
  const addGlobal = (init: number, exportName?: string, i64 = false): number => {
    const index = firstGlobal + newGlobals.length;
    newGlobals.push(i64 ? [0x7e, 0x01, I64_CONST, 0, OP.end] : [0x7f, 0x01, OP.i32Const, ...sleb(init), OP.end]);
    if (exportName) exports.push([...nameBytes(exportName), 0x03, ...uleb(index)]);
    return index;
  };
  const movable = checks?.movableShadow === true;
  const budgetGlobal = addGlobal(opts.quantum, BUDGET_EXPORT);
  const callSpGlobal = addGlobal(0, CALL_SP_EXPORT);
  // The pure-slot redirect: the call's target, and the slot (set by the loader).
  const targetGlobal = pure === undefined ? -1 : addGlobal(0);
  const pureSlotGlobal = pure === undefined ? -1 : addGlobal(-1, PURE_SLOT_EXPORT);
  const coverageGlobal = opts.coverage ? addGlobal(0, COVERAGE_BASE_EXPORT) : -1;
  const shadowGlobal = movable ? addGlobal(checks!.shadowBase, SHADOW_BASE_EXPORT) : -1;
  // The ring's base (set by the loader), the two operands (as i64) and the entry's address: scratch globals.
  const ring = opts.comparisons ? { base: addGlobal(0, COMPARISON_BASE_EXPORT), a: addGlobal(0, undefined, true), b: addGlobal(0, undefined, true), at: addGlobal(0) } : undefined;
  const global = appendEntry(bytes, find(GLOBAL), GLOBAL, 'global section', ...newGlobals);
  const exp = appendEntry(bytes, find(EXPORT), EXPORT, 'export section', ...exports);
  const types = pure === undefined && !checks ? [] : readFunctionTypes(bytes, find(TYPE));
  // target = pop; if (target == pureSlot) { drop args; __cxa_pure_virtual(); zeros } else call_indirect.
  const callIndirect = (typeIndex: number, table: number) => {
    const t = types[typeIndex] ?? (() => { throw new MalformedWasmError(`call_indirect names type ${typeIndex}, which the type section does not have`); })();
    return [
      OP.globalSet, ...uleb(targetGlobal), OP.globalGet, ...uleb(targetGlobal), OP.globalGet, ...uleb(pureSlotGlobal), OP.i32Eq,
      OP.if, ...sleb(typeIndex),
      ...t.params.map(() => OP.drop), OP.call, ...uleb(pure!), ...t.results.flatMap(zeroOf),
      OP.else, OP.globalGet, ...uleb(targetGlobal), OP.callIndirect, ...uleb(typeIndex), ...uleb(table),
      OP.end,
    ];
  };

  const g = uleb(budgetGlobal);
  const sp = uleb(callSpGlobal);
  const ringOffset = uleb(opts.callSites.base);
  // frameBases[sp & mask] = __stack_pointer: the same slot of the parallel ring.
  const stackPointer = parsed.stackPointerGlobal;
  const frameBase =
    opts.callSites.frameBases === undefined
      ? []
      : [
          OP.globalGet, ...sp, OP.i32Const, ...sleb(opts.callSites.mask), OP.i32And,
          ...(stackPointer === undefined ? [OP.i32Const, 0] : [OP.globalGet, ...uleb(stackPointer)]),
          OP.i32Store, 0x02, ...uleb(opts.callSites.frameBases),
        ];
  // ring[sp & mask] = pc; sp += 4 / sp -= 4: a store and two global updates around each call.
  const push = (pc: number) => [
    OP.globalGet, ...sp, OP.i32Const, ...sleb(opts.callSites.mask), OP.i32And, OP.i32Const, ...sleb(pc), OP.i32Store, 0x02, ...ringOffset,
    ...frameBase,
    OP.globalGet, ...sp, OP.i32Const, 4, OP.i32Add, OP.globalSet, ...sp,
  ];
  const pop = [OP.globalGet, ...sp, OP.i32Const, 4, OP.i32Sub, OP.globalSet, ...sp];
  // counter -= 1; if (counter == 0) counter = watchdog(pc): one global and a branch per iteration.
  const probe = (pc: number) => [
    OP.globalGet, ...g, OP.i32Const, 1, OP.i32Sub, OP.globalSet, ...g,
    OP.globalGet, ...g, OP.i32Eqz, OP.if, 0x40,
    OP.i32Const, ...sleb(pc), OP.i32Const, ...sleb(opts.watchdogSlot), OP.callIndirect, ...uleb(type.index), 0x00,
    OP.globalSet, ...g,
    OP.end,
  ];

  // counter[i] += 1, the counters at the base the loader sets: two globals, a load and a store.
  const coverageSites: number[] = [];
  const cov = opts.coverage ? uleb(coverageGlobal) : [];
  const coverage = opts.coverage
    ? (codeOffset: number) => {
        const at = uleb(4 * coverageSites.length);
        coverageSites.push(site(codeOffset));
        return [OP.globalGet, ...cov, OP.globalGet, ...cov, OP.i32Load, 0x02, ...at, OP.i32Const, 1, OP.i32Add, OP.i32Store, 0x02, ...at];
      }
    : undefined;
  const comparison = ring ? comparisonProbe(ring) : undefined;
  const memory = checks ? memoryProbes(checks, movable ? shadowGlobal : undefined, checkType, parsed.importedFunctions, readFunctionSection(bytes, find(FUNCTION)), types, site) : undefined;

  // Assemble: every section in order, the replaced ones rebuilt, the global section inserted if new.
  const out = new ChunkWriter();
  out.put(bytes.subarray(0, 8));
  // Copied runs of code: [newStart, oldStart, length, 0]; probes: [newStart, loopOffset, length, 1].
  const runs: number[][] = [];
  let loops = 0;
  let calls = 0;
  let accesses = 0;
  let globalWritten = find(GLOBAL) !== undefined; // rewritten in place when present
  for (const s of sections) {
    if (!globalWritten && s.id !== 0 && !BEFORE_GLOBAL.has(s.id)) {
      out.put(global.section);
      globalWritten = true;
    }
    if (s.id === TYPE) out.put(type.section);
    else if (s.id === IMPORT && tableImport) out.put(tableImport.section);
    else if (s.id === GLOBAL) out.put(global.section);
    else if (s.id === EXPORT) out.put(exp.section);
    else if (s.id === 0 && s.name === 'name') out.put(withModuleName(bytes, s, opts.moduleName));
    else if (s.id === CODE) {
      const body = rewriteCode(bytes, s, {
        loop: (offset) => probe(site(offset)),
        callBefore: (offset) => push(site(offset)),
        callAfter: pop,
        callIndirect: pure === undefined ? undefined : callIndirect,
        memory,
        coverage,
        comparison,
      });
      loops += body.loops;
      calls += body.calls;
      accesses += body.accesses;
      out.put([CODE, ...uleb(body.bytes.length)]);
      const payloadAt = out.length;
      for (const run of body.runs) runs.push([run[0]! + payloadAt, run[1]!, run[2]!, run[3]!]);
      out.putAll(body.bytes);
    } else out.put(bytes.subarray(s.start, endOf(s)));
  }
  if (!globalWritten) out.put(global.section);
  if (!parsed.custom.has('name')) out.put(withModuleName(bytes, undefined, opts.moduleName));
  if (!find(TYPE)) throw new MalformedWasmError('the module has no type section');

  const codeStart = code?.offset ?? 0;
  const starts = runs.map((r) => r[0]!);
  return {
    bytes: out.join(),
    loops,
    calls,
    accesses,
    coverageSites,
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
      return originOf((isProbe ? oldStart! : oldStart! + (position - newStart!)) - codeStart);
    },
  };
}

/** The Code section payload with probes; `runs` hold payload-relative new starts (the caller rebases them). */
interface Probes {
  /** After a `loop` header, given the loop's code offset. */
  loop(codeOffset: number): number[];
  /** Before and after a `call` or `call_indirect`, given the call's code offset. */
  callBefore(codeOffset: number): number[];
  readonly callAfter: number[];
  /** What replaces a `call_indirect` (given its type and table), or undefined to keep it. */
  readonly callIndirect?: (typeIndex: number, table: number) => number[];
  readonly memory?: MemoryProbes;
  /** A counter for the basic block starting at a code offset. */
  readonly coverage?: (codeOffset: number) => number[];
  /** What goes before an integer comparison (after its operands), given its opcode; undefined for other opcodes. */
  readonly comparison?: (op: number) => number[] | undefined;
}

const I64_CONST = 0x42;
const I32_SHL = 0x74;
const I64_STORE = 0x37;
const I32_WRAP_I64 = 0xa7;
const I64_EXTEND_I32_U = 0xad;
/** i32.eq .. i32.ge_u and i64.eq .. i64.ge_u (not eqz: its other operand is always zero). */
const isI32Compare = (op: number) => op >= 0x46 && op <= 0x4f;
const isI64Compare = (op: number) => op >= 0x51 && op <= 0x5a;

/**
 * b = pop; a = pop; at = base + 16 + 16 * (count & mask); [at] = a; [at + 8] = b; count += 1; push a, b.
 * i32 operands are stored zero-extended. Globals, not locals, hold them: no body's locals change.
 */
function comparisonProbe(g: { base: number; a: number; b: number; at: number }): (op: number) => number[] | undefined {
  const [base, a, b, at] = [uleb(g.base), uleb(g.a), uleb(g.b), uleb(g.at)];
  const record = [
    OP.globalGet, ...base, OP.globalGet, ...base, OP.i32Load, 0x02, 0x00, OP.i32Const, ...sleb(COMPARISON_RING_ENTRIES - 1), OP.i32And,
    OP.i32Const, Math.log2(COMPARISON_ENTRY_SIZE), I32_SHL, OP.i32Add, OP.globalSet, ...at,
    OP.globalGet, ...at, OP.globalGet, ...a, I64_STORE, 0x03, ...uleb(COMPARISON_RING_HEADER),
    OP.globalGet, ...at, OP.globalGet, ...b, I64_STORE, 0x03, ...uleb(COMPARISON_RING_HEADER + 8),
    OP.globalGet, ...base, OP.globalGet, ...base, OP.i32Load, 0x02, 0x00, OP.i32Const, 1, OP.i32Add, OP.i32Store, 0x02, 0x00,
  ];
  const i32 = [I64_EXTEND_I32_U, OP.globalSet, ...b, I64_EXTEND_I32_U, OP.globalSet, ...a, ...record, OP.globalGet, ...a, I32_WRAP_I64, OP.globalGet, ...b, I32_WRAP_I64];
  const i64 = [OP.globalSet, ...b, OP.globalSet, ...a, ...record, OP.globalGet, ...a, OP.globalGet, ...b];
  return (op) => (isI32Compare(op) ? i32 : isI64Compare(op) ? i64 : undefined);
}

/** The memory checks' part of the rewrite: scratch locals for each body, and the check before each access. */
interface MemoryProbes {
  /** The local declarations the body gets after its own, given its index and how many locals it has. */
  locals(body: number, ownLocals: number): { decl: number[]; first: number };
  /** What goes before the instruction (loads and stores: after its operands), or undefined for no check. */
  before(ins: Instruction, bytes: Uint8Array, codeOffset: number, first: number): number[] | undefined;
}

function rewriteCode(bytes: Uint8Array, s: WasmSection, probes: Probes): { bytes: ChunkWriter; runs: number[][]; loops: number; calls: number; accesses: number } {
  const r = new ByteReader(bytes, 'code section', s.offset, endOf(s));
  const out = new ChunkWriter();
  const runs: number[][] = [];
  let loops = 0;
  let calls = 0;
  let accesses = 0;
  const n = r.u32leb('function body count');
  out.put(uleb(n));
  for (let i = 0; i < n; i++) {
    const size = r.u32leb(`size of function body ${i}`);
    const bodyStart = r.pos;
    const bodyEnd = bodyStart + size;
    r.need(size, `function body ${i}`);
    r.pos = bodyEnd;
    const body = new ByteReader(bytes, `function body ${i}`, bodyStart, bodyEnd);
    // The body's new bytes, with its runs relative to the body's start.
    const chunk = new ChunkWriter();
    const bodyRuns: number[][] = [];
    let runFrom = bodyStart;
    let scratch = 0;
    if (probes.memory) {
      // Its own local declarations, then the scratch locals the checks use.
      const groups = body.u32leb('local declaration count');
      const groupsAt = body.pos;
      let own = 0;
      for (let g = 0; g < groups; g++) {
        own += body.u32leb('local count');
        body.u8('local type');
      }
      const extra = probes.memory.locals(i, own);
      scratch = extra.first;
      chunk.put(uleb(groups + EXTRA_LOCAL_GROUPS));
      chunk.put(bytes.subarray(groupsAt, body.pos));
      chunk.put(extra.decl);
      runFrom = body.pos;
    } else skipLocals(body);
    const flush = (to: number) => {
      if (to > runFrom) {
        bodyRuns.push([chunk.length, runFrom, to - runFrom, 0]);
        chunk.put(bytes.subarray(runFrom, to));
      }
      runFrom = to;
    };
    // A probe's bytes all map to the instruction they stand for.
    const insert = (p: number[], at: number) => {
      bodyRuns.push([chunk.length, at, p.length, 1]);
      chunk.put(p);
    };
    // Blocks open at each point (their opcodes), for the coverage sites after an `end`.
    const open: number[] = [];
    const site = (at: number) => {
      if (!probes.coverage) return;
      flush(at);
      insert(probes.coverage(at - s.offset), at);
    };
    site(body.pos);
    while (body.pos < bodyEnd) {
      const ins = nextInstruction(body);
      const check = probes.memory?.before(ins, bytes, ins.start - s.offset, scratch);
      if (check) {
        flush(ins.start);
        insert(check, ins.start);
        accesses++;
      }
      const cmp = probes.comparison?.(ins.op);
      if (cmp) {
        flush(ins.start);
        insert(cmp, ins.start);
      }
      if (ins.op === OP.loop) {
        flush(ins.end);
        insert(probes.loop(ins.start - s.offset), ins.start);
        loops++;
      } else if (ins.op === OP.call || ins.op === OP.callIndirect) {
        flush(ins.start);
        insert(probes.callBefore(ins.start - s.offset), ins.start);
        if (ins.op === OP.callIndirect && probes.callIndirect) {
          const imm = new ByteReader(bytes, `function body ${i}`, ins.start + 1, ins.end);
          insert(probes.callIndirect(imm.u32leb('call_indirect type'), imm.u32leb('call_indirect table')), ins.start);
          runFrom = ins.end;
        } else flush(ins.end);
        insert(probes.callAfter, ins.start);
        calls++;
      }
      if (probes.coverage) {
        if (ins.op === OP.block || ins.op === OP.loop || ins.op === OP.if || ins.op === TRY) open.push(ins.op);
        if (ins.op === OP.end) {
          const ended = open.pop();
          // After a block or if ends, control joins from its branches; after the body's own end there is no code.
          if ((ended === OP.block || ended === OP.if) && ins.end < bodyEnd) site(ins.end);
        } else if (ins.op === OP.if || ins.op === OP.else || ins.op === OP.loop || ins.op === OP.brIf) site(ins.end);
      }
    }
    flush(bodyEnd);
    const sizeField = uleb(chunk.length);
    const chunkAt = out.length + sizeField.length;
    out.put(sizeField);
    out.putAll(chunk);
    for (const run of bodyRuns) runs.push([run[0]! + chunkAt, run[1]!, run[2]!, run[3]!]);
  }
  if (r.pos !== endOf(s)) r.fail(`${endOf(s) - r.pos} bytes after the last function body`);
  return { bytes: out, runs, loops, calls, accesses };
}

/** A value type's zero, as a constant instruction. */
function zeroOf(valueType: number): number[] {
  switch (valueType) {
    case 0x7f: return [OP.i32Const, 0];
    case 0x7e: return [0x42, 0];
    case 0x7d: return [0x43, 0, 0, 0, 0];
    case 0x7c: return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
    default: throw new MalformedWasmError(`a call_indirect returns value type 0x${valueType.toString(16)}, which a driver's code does not use`);
  }
}

/** The type section's function types: parameter and result value types. */
function readFunctionTypes(bytes: Uint8Array, s: WasmSection | undefined): { params: number[]; results: number[] }[] {
  if (!s) return [];
  const r = new ByteReader(bytes, 'type section', s.offset, endOf(s));
  const types: { params: number[]; results: number[] }[] = [];
  const count = r.u32leb('type count');
  const valueTypes = (what: string) => Array.from({ length: r.u32leb(`${what} count`) }, () => r.u8(what));
  for (let i = 0; i < count; i++) {
    const form = r.u8('type form');
    if (form !== 0x60) r.fail(`type ${i} is not a function type (form 0x${form.toString(16)})`);
    types.push({ params: valueTypes('parameter type'), results: valueTypes('result type') });
  }
  return types;
}

/** Scratch locals of a checked body: 3 i32 (address, effective address, an i32 value; a bulk operation's three operands), then an i64, an f32 and an f64 value. */
const SCRATCH_LOCALS: ReadonlyArray<readonly [count: number, type: number]> = [[3, 0x7f], [1, 0x7e], [1, 0x7d], [1, 0x7c]];
const EXTRA_LOCAL_GROUPS = SCRATCH_LOCALS.length;
/** Scratch local of a stored value, by value type, as an offset from the first scratch local. */
const VALUE_LOCAL: Readonly<Record<number, number>> = { 0x7f: 2, 0x7e: 3, 0x7d: 4, 0x7c: 5 };

/**
 * The inline check of one access, at the point where its address (and, for a store, its value) is
 * on the stack. The shadow byte of a granule is how many of its bytes may be touched (8: all; a
 * poison code reads negative as a signed byte), so one comparison passes exactly the accesses that
 * stay inside the accessible bytes of one granule; anything else (a poisoned or unmapped granule, the
 * end of a partial one, an access that runs into the next granule) asks the kernel:
 *
 *     [store: local.set $value]
 *     local.tee $a ; [i32.const offset ; i32.add ; local.tee $e]      -- $e: the effective address
 *     i32.const 3 ; i32.shr_u ; i32.load8_s shadow                    -- s
 *     local.get $e ; i32.const 7 ; i32.and ; i32.const size ; i32.add  -- (e & 7) + size
 *     i32.lt_s
 *     if (result i32) check(e, size, flags, pc) - offset  else local.get $a  end
 *     [store: local.get $value]
 *     <the access, as compiled>
 */
function memoryProbes(opts: MemoryCheckOptions, shadowGlobal: number | undefined, checkType: number, importedFunctions: number, functionTypes: number[], types: { params: number[] }[], site: (codeOffset: number) => number): MemoryProbes {
  // The shadow byte's load: at a constant base, or at the base a global holds (the kernel moves it).
  const loadShadow = shadowGlobal === undefined ? [OP.i32Load8S, 0x00, ...uleb(opts.shadowBase)] : [OP.globalGet, ...uleb(shadowGlobal), OP.i32Add, OP.i32Load8S, 0x00, 0x00];
  const callCheck = [OP.i32Const, ...sleb(opts.slot), OP.callIndirect, ...uleb(checkType), 0x00];
  return {
    locals(body, ownLocals) {
      const t = functionTypes[body];
      if (t === undefined) throw new MalformedWasmError(`function body ${body} has no entry in the function section`);
      const params = types[t]?.params.length;
      if (params === undefined) throw new MalformedWasmError(`function ${importedFunctions + body} names type ${t}, which the type section does not have`);
      return { decl: SCRATCH_LOCALS.flatMap(([n, type]) => [...uleb(n), type]), first: params + ownLocals };
    },
    before(ins, bytes, codeOffset, first) {
      const pc = sleb(site(codeOffset));
      const a = uleb(first);
      const access = MEMORY_ACCESS.get(ins.op);
      if (access) {
        const offset = memArgOffset(new ByteReader(bytes, 'memory access', ins.start, ins.end), ins.start);
        // The effective address: $a itself, or $a + offset kept in a second scratch local.
        const e = offset === 0 ? a : uleb(first + 1);
        const ea = offset === 0 ? [] : [OP.i32Const, ...sleb(offset), OP.i32Add, OP.localTee, ...e];
        const value = access.value === undefined ? undefined : uleb(first + VALUE_LOCAL[access.value]!);
        const back = offset === 0 ? [] : [OP.i32Const, ...sleb(offset), OP.i32Sub];
        return [
          ...(value ? [OP.localSet, ...value] : []),
          OP.localTee, ...a, ...ea, OP.i32Const, 3, OP.i32ShrU, ...loadShadow,
          OP.localGet, ...e, OP.i32Const, 7, OP.i32And, OP.i32Const, access.size, OP.i32Add, OP.i32LtS,
          OP.if, 0x7f,
          OP.localGet, ...e, OP.i32Const, access.size, OP.i32Const, access.write ? MEMORY_CHECK_WRITE : 0, OP.i32Const, ...pc, ...callCheck, ...back,
          OP.else, OP.localGet, ...a, OP.end,
          ...(value ? [OP.localGet, ...value] : []),
        ];
      }
      if (ins.op === BULK_MEMORY.copy || ins.op === BULK_MEMORY.fill || ins.op === BULK_MEMORY.init) {
        // (destination, x, length): save all three, check the ranges, put them back.
        const [dst, x, len] = [uleb(first), uleb(first + 1), uleb(first + 2)];
        const range = (at: number[], flags: number) => [OP.localGet, ...at, OP.localGet, ...len, OP.i32Const, flags, OP.i32Const, ...pc, ...callCheck, OP.drop];
        return [
          OP.localSet, ...len, OP.localSet, ...x, OP.localSet, ...dst,
          ...(ins.op === BULK_MEMORY.copy ? range(x, MEMORY_CHECK_BULK) : []),
          ...range(dst, MEMORY_CHECK_BULK | MEMORY_CHECK_WRITE),
          OP.localGet, ...dst, OP.localGet, ...x, OP.localGet, ...len,
        ];
      }
      if (ins.op >= 0xfe00 && ins.op <= 0xfeff && ins.op !== 0xfe03) {
        throw new UnsupportedInstructionError(`atomic memory instruction at code offset 0x${codeOffset.toString(16)}: dv build does not emit atomics, and the memory checks cannot instrument them`);
      }
      return undefined;
    },
  };
}

/** The function section: each defined function's type index. */
function readFunctionSection(bytes: Uint8Array, s: WasmSection | undefined): number[] {
  if (!s) return [];
  const r = new ByteReader(bytes, 'function section', s.offset, endOf(s));
  return Array.from({ length: r.u32leb('function count') }, () => r.u32leb('function type index'));
}
