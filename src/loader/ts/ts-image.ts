/**
 * Drivers written in TypeScript. The loader transpiles the source itself, so it owns the source map:
 * a driver's code addresses are image base + 0x1000 + the character offset of the code in its source
 * file, so `MyDriver!DeviceControlDispatch+0x4c` and `mydriver.ts(50)+0x15` both fall out of the
 * text. Functions are found in the syntax tree; imports are the DDIs the source calls on its DDI
 * parameter (`ddi.IoAllocateMdl`), checked against the kernel's exports at load.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { parse } from 'acorn';
import { transformSync } from 'esbuild';
import { SimulatorError, UnresolvedImportError } from '../../kernel/errors.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { PAGE_SIZE, PageKind } from '../../kernel/mm/address-space.ts';
import type { FunctionSymbol, LineRow, ModuleInfo } from '../../kernel/symbols.ts';
import type { DriverMemory } from '../../kernel/mm/driver-memory.ts';
import type { DdiTable } from '../../kernel/ddi.ts';
import type { ImageFormat, LoadedImage, MapRequest } from '../image.ts';

const CODE_RVA = 0x1000;
const DATA_PAGES = 4;

/** What a TypeScript driver's DriverEntry receives as its third argument. */
export type DriverApi = DdiTable & DriverHelpers;

export interface DriverHelpers {
  /** Checked access to kernel memory (a touch of a no-access page is a page fault bug check). */
  readonly mem: DriverMemory;
  /** The code address of one of this driver's functions: C's `&Function`. */
  addressOf(fn: (...args: never[]) => unknown): number;
  /** Address of a NUL-terminated UTF-16 literal in the image's data: C's `L"..."`. */
  wstr(text: string): number;
  /** Address of a NUL-terminated 8-bit literal in the image's data: C's `"..."`. */
  str(text: string): number;
}

export interface TsDriverModule {
  DriverEntry(DriverObject: number, RegistryPath: number, ddi: DriverApi): number;
}

interface SourceInfo {
  /** Functions with their [start, end) offsets in the TypeScript source. */
  readonly functions: Array<{ name: string; start: number; end: number }>;
  readonly imports: string[];
  readonly lineStarts: readonly number[];
  /** Every call, throw and loop in the JavaScript, with the source offset it is attributed to. */
  readonly calls: CallSite[];
}

/** A call expression of the transpiled JavaScript, located for instrumentation. */
interface CallSite {
  readonly node: Node;
  /** Offset in the TypeScript source: the callee's name, where V8 and kd would point. */
  readonly sourceOffset: number;
}

interface Transpiled {
  readonly js: string;
  readonly map: TraceMap;
}

/** Strip the types with esbuild; the source map ties the JavaScript back to the TypeScript text. */
export function transpile(fileName: string, text: string): Transpiled {
  let out;
  try {
    out = transformSync(text, { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: fileName });
  } catch (e) {
    throw new SimulatorError(`cannot compile driver ${fileName}: ${(e as Error).message}`);
  }
  return { js: out.code, map: new TraceMap(out.map) };
}

const LOOPS = new Set(['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement']);

type Node = { type: string; start: number; end: number; loc?: { start: { line: number; column: number }; end: { line: number; column: number } }; [k: string]: unknown };

/** Functions and DDI imports of a driver, from the syntax tree of its transpiled JavaScript. */
export function analyzeSource(text: string, t: Transpiled): SourceInfo {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const original = (p: { line: number; column: number }, bias: typeof GREATEST_LOWER_BOUND | typeof LEAST_UPPER_BOUND): number | undefined => {
    const o = originalPositionFor(t.map, { line: p.line, column: p.column, bias });
    return o.line === null ? undefined : lineStarts[o.line - 1]! + o.column;
  };
  const tree = parse(t.js, { ecmaVersion: 'latest', sourceType: 'module', locations: true }) as unknown as Node;
  const functions: SourceInfo['functions'] = [];
  const apiNames = new Set<string>(['ddi']);
  const imports = new Set<string>();
  const calls: CallSite[] = [];
  const addFunction = (name: string, node: Node) => {
    const start = original(node.loc!.start, LEAST_UPPER_BOUND);
    const end = original(node.loc!.end, GREATEST_LOWER_BOUND);
    if (start !== undefined) functions.push({ name, start, end: Math.max(end ?? start, start + 1) });
  };
  const visit = (node: Node): void => {
    if (node.type === 'FunctionDeclaration' && node.id) {
      const name = (node.id as Node & { name: string }).name;
      addFunction(name, node);
      const third = (node.params as Node[])[2] as (Node & { name?: string }) | undefined;
      if (name === 'DriverEntry' && third?.type === 'Identifier') apiNames.add(third.name!);
    } else if (node.type === 'VariableDeclarator' && (node.id as Node).type === 'Identifier' && node.init && ['ArrowFunctionExpression', 'FunctionExpression'].includes((node.init as Node).type)) {
      addFunction((node.id as Node & { name: string }).name, node);
    } else if (node.type === 'CallExpression' && !node.optional && (node.callee as Node).type !== 'Super') {
      const callee = node.callee as Node;
      const named = callee.type === 'MemberExpression' ? (callee.property as Node) : callee;
      const at = original(named.loc!.start, LEAST_UPPER_BOUND);
      if (at !== undefined) calls.push({ node, sourceOffset: at });
    }
    if (node.type === 'ThrowStatement' || LOOPS.has(node.type)) {
      const at = original(node.loc!.start, LEAST_UPPER_BOUND);
      if (at !== undefined) calls.push({ node, sourceOffset: at });
    }
    if (node.type === 'MemberExpression' && !node.computed) {
      const object = node.object as Node & { name?: string };
      const property = node.property as Node & { name?: string };
      if (object.type === 'Identifier' && apiNames.has(object.name!) && /^[A-Z]/.test(property.name ?? '')) imports.add(property.name!);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && 'type' in v) visit(v as Node);
      } else if (value && typeof value === 'object' && 'type' in value) {
        visit(value as unknown as Node);
      }
    }
  };
  visit(tree);
  functions.sort((a, b) => a.start - b.start);
  return { functions, imports: [...imports].sort(), lineStarts, calls };
}

/**
 * Route every call through the kernel's call-site recorder: `f(a)` becomes `__dvc(pc, f, a)` and
 * `o.m(a)` becomes `__dvm(pc, o, "m", a)`, so the shadow stack holds the driver's frames exactly.
 * `throw v` becomes `throw __dvt(pc, v)`, and each loop iteration calls `__dvl(pc)` (a budget).
 * Calls whose shape is not recognised (optional chains, super) run uninstrumented.
 */
export function instrumentCalls(js: string, calls: readonly CallSite[], pcOf: (sourceOffset: number) => number): string {
  type Edit = { start: number; end: number; text: string; order: number };
  const edits: Edit[] = [];
  const openParen = (from: number): number => {
    let i = from;
    for (;;) {
      while (i < js.length && /\s/.test(js[i]!)) i++;
      if (js.startsWith('/*', i)) i = js.indexOf('*/', i) + 2;
      else if (js.startsWith('//', i)) i = js.indexOf('\n', i) + 1;
      else break;
      if (i <= 0) return -1;
    }
    return js[i] === '(' ? i : -1;
  };
  for (const { node, sourceOffset } of calls) {
    if (LOOPS.has(node.type)) {
      // Count each iteration: a loop that never ends becomes a clear error, not a hung process.
      const body = node.body as Node;
      const check = `__dvl(0x${pcOf(sourceOffset).toString(16)});`;
      if (body.type === 'BlockStatement') edits.push({ start: body.start + 1, end: body.start + 1, text: check, order: 0 });
      else {
        edits.push({ start: body.start, end: body.start, text: `{${check}`, order: body.end - body.start + 1 });
        edits.push({ start: body.end, end: body.end, text: '}', order: body.end - body.start + 1 });
      }
      continue;
    }
    if (node.type === 'ThrowStatement') {
      const argument = node.argument as Node;
      // The throw's wrapper encloses any call the argument starts with: order it as the larger node.
      const order = node.end - node.start;
      edits.push({ start: argument.start, end: argument.start, text: `__dvt(0x${pcOf(sourceOffset).toString(16)}, `, order });
      edits.push({ start: argument.end, end: argument.end, text: ')', order });
      continue;
    }
    const callee = node.callee as Node;
    const args = (node.arguments as Node[]).length > 0;
    const pc = `0x${pcOf(sourceOffset).toString(16)}`;
    const size = node.end - node.start;
    if (callee.type === 'MemberExpression') {
      if ((callee.object as Node).type === 'Super' || callee.optional) continue;
      const object = callee.object as Node;
      const property = callee.property as Node & { name?: string };
      const paren = openParen(callee.end);
      if (paren < 0) continue;
      edits.push({ start: node.start, end: node.start, text: `__dvm(${pc}, `, order: size });
      if (callee.computed) {
        edits.push({ start: object.end, end: property.start, text: ', ', order: size });
        edits.push({ start: property.end, end: paren + 1, text: args ? ', ' : '', order: size });
      } else {
        edits.push({ start: object.end, end: paren + 1, text: `, ${JSON.stringify(property.name)}${args ? ', ' : ''}`, order: size });
      }
    } else {
      const paren = openParen(callee.end);
      if (paren < 0) continue;
      edits.push({ start: node.start, end: node.start, text: `__dvc(${pc}, `, order: size });
      edits.push({ start: callee.end, end: paren + 1, text: args ? ', ' : '', order: size });
    }
  }
  // Apply from the end; at one position the inner call's edit goes in first, so the outer one lands before it.
  edits.sort((a, b) => b.start - a.start || a.order - b.order);
  let out = js;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Kernels of the machines loading drivers, by load instance: the instrumented module finds its own. */
const INSTANCES_KEY = Symbol.for('driver-verifier.instances');
const instances: Map<string, { callAt: unknown; callMethodAt: unknown; throwAt: unknown; loopAt: unknown }> = ((globalThis as Record<symbol, unknown>)[INSTANCES_KEY] ??= new Map()) as never;
const PREAMBLE =
  `const __dvk = globalThis[Symbol.for('driver-verifier.instances')].get(new URL(import.meta.url).searchParams.get('instance'));` +
  `const __dvc = __dvk.callAt, __dvm = __dvk.callMethodAt, __dvt = __dvk.throwAt, __dvl = __dvk.loopAt;\n`;

let instance = 0;

export const tsImageFormat: ImageFormat = {
  extensions: ['.ts', '.mts'],
  async load(k: Kernel, req: MapRequest): Promise<LoadedImage> {
    const path = resolve(req.path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new SimulatorError(`cannot read driver ${req.path}: ${(e as Error).message}`);
    }
    const transpiled = transpile(path, text);
    const info = analyzeSource(text, transpiled);
    const missing = info.imports.filter((n) => !(n in k.ddi));
    if (missing.length > 0) throw new UnresolvedImportError(`${req.name}.sys`, missing.join(', '));
    const entry = info.functions.find((f) => f.name === 'DriverEntry');
    if (!entry) throw new SimulatorError(`${req.path} has no DriverEntry function`);

    // Lay out the image: headers, the source as code, then a data area for literals.
    const codeSize = Math.ceil(text.length / PAGE_SIZE) * PAGE_SIZE;
    const size = CODE_RVA + codeSize + DATA_PAGES * PAGE_SIZE;
    const base = req.reserve(size);
    const codeBase = base + CODE_RVA;
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    k.as.write(codeBase, new TextEncoder().encode(text).subarray(0, codeSize));

    // Instrument the calls, then make relative imports absolute: the module runs from a cache directory.
    const js =
      PREAMBLE +
      instrumentCalls(transpiled.js, info.calls, (offset) => codeBase + offset)
        .replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_m, pre: string, q: string, spec: string) => `${pre}${q}${pathToFileURL(resolve(dirname(path), spec)).href}${q}`)
        .replace(/\/\/# sourceMappingURL=.*$/m, '');
    const cacheDir = join(tmpdir(), 'driver-verifier-ts');
    mkdirSync(cacheDir, { recursive: true });
    const jsPath = join(cacheDir, `${basename(path).replace(/\.[mc]?ts$/, '')}-${createHash('sha1').update(path + '\0' + js).digest('hex').slice(0, 16)}.mjs`);
    // Write then rename: another process loading the same driver never sees a half-written file.
    const partial = `${jsPath}.${process.pid}.tmp`;
    writeFileSync(partial, js);
    renameSync(partial, jsPath);
    const jsUrl = pathToFileURL(jsPath).href;

    const functions: FunctionSymbol[] = info.functions.map((f) => ({ name: f.name, start: codeBase + f.start, size: f.end - f.start }));
    const lines: LineRow[] = info.lineStarts.map((s, i) => ({ address: codeBase + s, file: 0, line: i + 1 }));
    const module: ModuleInfo = {
      name: req.name,
      imageName: `${req.name}.sys`,
      base,
      size,
      path,
      symbols: { functions, files: [displayPath(path)], lines },
    };
    const image: LoadedImage = { module, imports: info.imports, entryPoint: codeBase + entry.start, driverObject: 0 };

    let mod: TsDriverModule;
    const id = String(++instance);
    const s = k.stacks;
    instances.set(id, { callAt: s.callAt, callMethodAt: s.callMethodAt, throwAt: s.throwAt, loopAt: s.loopAt });
    try {
      mod = (await import(`${jsUrl}?instance=${id}`)) as TsDriverModule;
    } catch (e) {
      throw new SimulatorError(`cannot load driver ${req.path}: ${(e as Error).message}`);
    } finally {
      instances.delete(id);
    }
    if (typeof mod.DriverEntry !== 'function') throw new SimulatorError(`${req.path} does not export DriverEntry`);

    const table = req.bind(image, k.ddi);
    const byName = new Map(functions.map((f) => [f.name, f.start]));
    let dataNext = codeBase + codeSize;
    const dataEnd = base + size;
    const literals = new Map<string, number>();
    const literal = (key: string, bytes: Uint8Array): number => {
      const known = literals.get(key);
      if (known !== undefined) return known;
      if (dataNext + bytes.length > dataEnd) throw new SimulatorError(`${req.name}: literal data area full`);
      const a = dataNext;
      k.as.write(a, bytes);
      dataNext = (dataNext + bytes.length + 3) & ~3;
      literals.set(key, a);
      return a;
    };
    const helpers: DriverHelpers = {
      mem: k.driverMemory,
      addressOf(fn) {
        const a = byName.get(fn.name);
        if (a === undefined) throw new SimulatorError(`${req.name}: addressOf() needs a named function declared in the driver source, got '${fn.name || '(anonymous)'}'`);
        if (!k.hasRoutine(a)) k.registerRoutine(a, fn, req.name);
        return a;
      },
      wstr(text) {
        const bytes = new Uint8Array(2 * text.length + 2);
        for (let i = 0; i < text.length; i++) {
          bytes[2 * i] = text.charCodeAt(i) & 0xff;
          bytes[2 * i + 1] = text.charCodeAt(i) >>> 8;
        }
        return literal('w' + text, bytes);
      },
      str(text) {
        return literal('a' + text, new TextEncoder().encode(text + '\0'));
      },
    };
    const api = Object.freeze({ ...table, ...helpers }) as unknown as DriverApi;
    const driverEntry = mod.DriverEntry;
    k.registerRoutine(image.entryPoint, ((d: number, r: number) => driverEntry(d, r, api)) as never, req.name);
    return image;
  },
};

/** The source path as symbols record it: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
