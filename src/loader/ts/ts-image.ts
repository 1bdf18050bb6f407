/**
 * Drivers written in TypeScript. The loader transpiles the source itself, so it owns the source map:
 * a driver's code addresses are image base + 0x1000 + the character offset of the code in its source
 * file, so `MyDriver!DeviceControlDispatch+0x4c` and `mydriver.ts(50)+0x15` both fall out of the
 * text. Functions are found in the syntax tree; imports are the DDIs the source calls on its DDI
 * parameter (`ddi.IoAllocateMdl`), checked against the kernel's exports at load.
 *
 * The driver runs isolated: bundled in memory with the files it imports (bundle.ts) and evaluated in
 * a vm context of its own that offers the DDI table and nothing of Node (sandbox.ts). A source that
 * reaches for the host is refused at load, naming the line (host-globals.ts).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { GREATEST_LOWER_BOUND, originalPositionFor } from '@jridgewell/trace-mapping';
import { BugCheck, SimulatorError, UnresolvedImportError } from '../../kernel/errors.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { PAGE_SIZE, PageKind } from '../../kernel/mm/address-space.ts';
import type { FunctionSymbol, LineRow, ModuleInfo } from '../../kernel/symbols.ts';
import type { DriverMemory } from '../../kernel/mm/driver-memory.ts';
import type { DdiTable } from '../../kernel/ddi.ts';
import { EXPORTED_DATA, exportedData, type ExportedDataName } from '../../kernel/exported-data.ts';
import { systemRoutineAt } from '../../kernel/mm/routine.ts';
import type { SehClauses } from '../../kernel/ke/except.ts';
import type { ImageFormat, LoadedImage, MapRequest } from '../image.ts';
import { bundleDriver } from './bundle.ts';
import { instrumentCalls } from './instrument.ts';
import { evaluateDriver } from './sandbox.ts';
import { readDriverModules } from './modules.ts';
import { DriverSourceError, lineOf } from './source.ts';

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
  /**
   * The variables ntoskrnl exports, by name: each the address of the variable a C driver's `extern`
   * declaration names (read `*PsThreadType` as `mem.u32(mem.u32(data.PsThreadType))`).
   */
  readonly data: Readonly<Record<ExportedDataName, number>>;
  /**
   * C's call through a function pointer: a routine MmGetSystemRoutineAddress returned (its DDI, as
   * this driver's imports are bound) or any routine the kernel can call.
   */
  routine(pointer: number): (...args: number[]) => unknown;
  /**
   * C's __try: run `body` with an exception frame registered, so an exception a DDI raises inside it
   * (ProbeForRead of a bad user buffer, ExRaiseStatus) goes to `except` and `handler`, or passes
   * through `finally`, instead of being the bug check. Returns what `body` or `handler` returns;
   * `return` in the body is C's __leave.
   */
  __try<T>(body: () => T, clauses: SehClauses<T>): T;
}

export interface TsDriverModule {
  DriverEntry(DriverObject: number, RegistryPath: number, ddi: DriverApi): number;
}

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
    // The entry and the files it imports from its own folder are the image's code (modules.ts).
    const sources = await readDriverModules(path, text);
    const refusals = sources.flatMap((m) => m.info.refusals.map((r) => `${displayPath(m.path)}(${lineOf(m.info.lineStarts, r.sourceOffset)}): ${r.message}`));
    if (refusals.length > 0) throw new DriverSourceError(refusals.join('\n'));
    const imports = [...new Set(sources.flatMap((m) => m.info.imports))].sort();
    const missing = imports.filter((n) => !(n in k.ddi));
    if (missing.length > 0) throw new UnresolvedImportError(`${req.name}.sys`, missing.join(', '));
    const entry = sources[0]!.info.functions.find((f) => f.name === 'DriverEntry');
    if (!entry) throw new SimulatorError(`${req.path} has no DriverEntry function`);

    // Lay out the image: headers, the sources as code, then a data area for literals.
    const code = sources.map((m) => m.text).join('');
    const codeSize = Math.ceil(code.length / PAGE_SIZE) * PAGE_SIZE;
    const size = CODE_RVA + codeSize + DATA_PAGES * PAGE_SIZE;
    const base = req.reserve(size);
    const codeBase = base + CODE_RVA;
    k.as.setPages(base, size / PAGE_SIZE, PageKind.Image);
    k.as.zero(base, size);
    k.as.write(codeBase, new TextEncoder().encode(code).subarray(0, codeSize));

    // Instrument the calls, then bundle the driver with the files it imports into one script.
    const instrumented = sources.map((m) => ({
      js: instrumentCalls(m.transpiled.js, m.info.calls, (offset) => codeBase + m.offset + offset).replace(/\/\/# sourceMappingURL=.*$/m, ''),
      locate: (line: number, column: number) => {
        // Instrumentation adds no line breaks: a line of the instrumented JavaScript is the transpiled one.
        const o = originalPositionFor(m.transpiled.map, { line, column, bias: GREATEST_LOWER_BOUND });
        return `${displayPath(m.path)}(${o.line ?? '?'})`;
      },
    }));
    const script = await bundleDriver({
      path,
      ...instrumented[0]!,
      display: displayPath,
      others: new Map(sources.slice(1).map((m, i) => [m.path, instrumented[i + 1]!])),
    });

    const functions: FunctionSymbol[] = sources.flatMap((m) => m.info.functions.map((f) => ({ name: f.name, start: codeBase + m.offset + f.start, size: f.end - f.start })));
    const lines: LineRow[] = sources.flatMap((m, file) => m.info.lineStarts.map((s, i) => ({ address: codeBase + m.offset + s, file, line: i + 1 })));
    const module: ModuleInfo = {
      name: req.name,
      imageName: `${req.name}.sys`,
      base,
      size,
      path,
      symbols: { functions, files: sources.map((m) => displayPath(m.path)), lines },
    };
    const image: LoadedImage = { module, imports, entryPoint: codeBase + entry.start, driverObject: 0 };

    let mod: TsDriverModule;
    const st = k.stacks;
    req.publish(module);
    try {
      mod = evaluateDriver(script, `${req.name}.sys.js`, { callAt: st.callAt, callMethodAt: st.callMethodAt, throwAt: st.throwAt, loopAt: st.loopAt }) as unknown as TsDriverModule;
    } catch (e) {
      // A bug check or a runaway loop in the driver's top-level code keeps its identity.
      if (e instanceof BugCheck || e instanceof SimulatorError) throw e;
      throw new SimulatorError(`cannot load driver ${req.path}: ${(e as Error).message}`);
    }
    if (typeof mod.DriverEntry !== 'function') throw new SimulatorError(`${req.path} does not export DriverEntry`);

    // A driver that looks routines up by name may call any of them: bind them all (the verifier's thunks included).
    const table = req.bind(imports.includes('MmGetSystemRoutineAddress') ? { ...image, imports: Object.keys(k.ddi) } : image, k.ddi);
    // Exported variables are made on first use, so a driver that names none leaves pool as it was.
    const data = {} as Record<ExportedDataName, number>;
    for (const name of Object.keys(EXPORTED_DATA) as ExportedDataName[]) {
      Object.defineProperty(data, name, { enumerable: true, get: () => exportedData(k).address(name) });
    }
    // A name declared in two of the driver's files does not say which function it is: addressOf() refuses it.
    const byName = new Map<string, number | null>();
    const fileOf = new Map<string, string>();
    sources.forEach((m) => m.info.functions.forEach((f) => {
      const other = fileOf.get(f.name);
      byName.set(f.name, byName.get(f.name) === null || (other !== undefined && other !== m.path) ? null : codeBase + m.offset + f.start);
      fileOf.set(f.name, m.path);
    }));
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
        if (a === undefined) throw new SimulatorError(`${req.name}: addressOf() needs a named function declared in the driver's own files, got '${fn.name || '(anonymous)'}'`);
        if (a === null) throw new SimulatorError(`${req.name}: addressOf(${fn.name}): two of the driver's files declare a function of that name; rename one`);
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
      data: Object.freeze(data),
      routine(pointer) {
        const ddi = systemRoutineAt(k, pointer);
        const bound = ddi === undefined ? undefined : (table[ddi] as ((...a: number[]) => unknown) | undefined);
        return bound ?? ((...args: number[]) => k.callRoutine(pointer, args));
      },
      __try: (body, clauses) => k.exceptions.guard(body, clauses),
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
