/**
 * Drivers written in TypeScript. The loader transpiles the source itself, so it owns the source map:
 * a driver's code addresses are image base + 0x1000 + the character offset of the code in its source
 * file, so `MyDriver!DeviceControlDispatch+0x4c` and `mydriver.ts(50)+0x15` both fall out of the
 * text. Functions are found in the source's syntax tree; imports are the DDIs the source calls on
 * its DDI parameter (`ddi.IoAllocateMdl`), checked against the kernel's exports at load.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import ts from 'typescript';
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
  readonly functions: Array<{ name: string; start: number; end: number }>;
  readonly imports: string[];
  readonly lineStarts: readonly number[];
}

/** Functions and DDI imports of a driver source, from its syntax tree. */
export function analyzeSource(fileName: string, text: string): SourceInfo {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const functions: SourceInfo['functions'] = [];
  const apiNames = new Set<string>(['ddi']);
  const imports = new Set<string>();
  // `ddi.X`, also through casts and parentheses: `(ddi as T).X`, `ddi!.X`.
  const isApi = (e: ts.Expression): boolean => {
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    return ts.isIdentifier(e) && apiNames.has(e.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      functions.push({ name: node.name.text, start: node.getStart(sf), end: node.end });
      if (node.name.text === 'DriverEntry' && node.parameters[2] && ts.isIdentifier(node.parameters[2].name)) {
        apiNames.add(node.parameters[2].name.text);
      }
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
      functions.push({ name: node.name.text, start: node.getStart(sf), end: node.end });
    }
    if (ts.isPropertyAccessExpression(node) && isApi(node.expression)) {
      const name = node.name.text;
      if (/^[A-Z]/.test(name)) imports.add(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  functions.sort((a, b) => a.start - b.start);
  return { functions, imports: [...imports].sort(), lineStarts: sf.getLineStarts() };
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
    const info = analyzeSource(path, text);
    const missing = info.imports.filter((n) => !(n in k.ddi));
    if (missing.length > 0) throw new UnresolvedImportError(`${req.name}.sys`, missing.join(', '));
    const entry = info.functions.find((f) => f.name === 'DriverEntry');
    if (!entry) throw new SimulatorError(`${req.path} has no DriverEntry function`);

    // Transpile with a source map we own; relative imports become absolute URLs.
    const out = ts.transpileModule(text, {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true, verbatimModuleSyntax: false },
      reportDiagnostics: false,
    });
    const js = out.outputText
      .replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_m, pre: string, q: string, spec: string) => `${pre}${q}${pathToFileURL(resolve(dirname(path), spec)).href}${q}`)
      .replace(/\/\/# sourceMappingURL=.*$/m, '');
    const cacheDir = join(tmpdir(), 'driver-verifier-ts');
    mkdirSync(cacheDir, { recursive: true });
    const jsPath = join(cacheDir, `${basename(path).replace(/\.[mc]?ts$/, '')}-${createHash('sha1').update(path + '\0' + js).digest('hex').slice(0, 16)}.mjs`);
    writeFileSync(jsPath, js);
    const jsUrl = pathToFileURL(jsPath).href;
    const map = new TraceMap(out.sourceMapText!);

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
