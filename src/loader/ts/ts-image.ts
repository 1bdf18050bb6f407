/**
 * Drivers written in TypeScript. The loader transpiles the source itself, so it owns the source map:
 * a driver's code addresses are image base + 0x1000 + the character offset of the code in its source
 * file, so `MyDriver!DeviceControlDispatch+0x4c` and `mydriver.ts(50)+0x15` both fall out of the
 * text. Functions are found in the syntax tree; imports are the DDIs the source calls on its DDI
 * parameter (`ddi.IoAllocateMdl`), checked against the kernel's exports at load.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    } else if (node.type === 'MemberExpression' && !node.computed) {
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
  return { functions, imports: [...imports].sort(), lineStarts };
}

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

    // Relative imports become absolute URLs: the module runs from a cache directory.
    const js = transpiled.js
      .replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_m, pre: string, q: string, spec: string) => `${pre}${q}${pathToFileURL(resolve(dirname(path), spec)).href}${q}`)
      .replace(/\/\/# sourceMappingURL=.*$/m, '');
    const cacheDir = join(tmpdir(), 'driver-verifier-ts');
    mkdirSync(cacheDir, { recursive: true });
    const jsPath = join(cacheDir, `${basename(path).replace(/\.[mc]?ts$/, '')}-${createHash('sha1').update(path + '\0' + js).digest('hex').slice(0, 16)}.mjs`);
    writeFileSync(jsPath, js);
    const jsUrl = pathToFileURL(jsPath).href;
    const map = transpiled.map;

    // Lay out the image: headers, the source as code, then a data area for literals.
    const codeSize = Math.ceil(text.length / PAGE_SIZE) * PAGE_SIZE;
    const size = CODE_RVA + codeSize + DATA_PAGES * PAGE_SIZE;
    const base = req.reserve(size);
    const codeBase = base + CODE_RVA;
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    k.as.write(codeBase, new TextEncoder().encode(text).subarray(0, codeSize));

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

    // Host call site in the transpiled module -> code address in the image.
    k.stacks.addResolver((site) => {
      const file = site.getFileName();
      if (!file || !file.startsWith(jsUrl)) return undefined;
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      if (line === null || column === null) return undefined;
      const pos = originalPositionFor(map, { line, column: column - 1 });
      if (pos.line === null) return undefined;
      return codeBase + (info.lineStarts[pos.line - 1] ?? 0) + pos.column;
    });

    let mod: TsDriverModule;
    try {
      mod = (await import(`${jsUrl}?instance=${++instance}`)) as TsDriverModule;
    } catch (e) {
      throw new SimulatorError(`cannot load driver ${req.path}: ${(e as Error).message}`);
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
