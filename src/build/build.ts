/**
 * dv build: C and C++ sources -> one wasm32 driver image. clang compiles each file (and the driver runtime)
 * separately, wasm-ld links them, and the import check refuses an image that imports anything but
 * kernel DDIs and the PIC ABI's env items. Returns what happened; the CLI prints it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { allocationNote, demangleQuoted } from './cxxfilt.ts';
import { compileArgs, KASAN_FLAGS, linkArgs, sourceLanguage, SOURCE_EXTENSIONS, type SourceLanguage } from './flags.ts';
import { checkImports, type ObjectImports } from './import-check.ts';
import { includeOverlay } from './include-overlay.ts';
import { kernelDdiNames } from './kernel-ddis.ts';
import { libraryExports } from './library-exports.ts';
import { CRT_SOURCES, DDK_INCLUDE, ON_DEMAND_RUNTIME } from './paths.ts';
import { findToolchain, type Toolchain } from './toolchain.ts';
import { writeMofHeaders, type MofHeaderRequest } from './mof/mof-step.ts';
import { VA_MAP } from '../kernel/mm/address-space.ts';
import { readWasmInterface, type WasmImport } from './wasm-module.ts';
import { runWpp, type WppOptions } from './wpp/wpp.ts';

export interface BuildOptions {
  readonly sources: readonly string[];
  readonly output: string;
  /** Extra -I directories and -D definitions, in order. */
  readonly includeDirs?: readonly string[];
  readonly defines?: readonly string[];
  /** Instrument the driver's sources with AddressSanitizer (flags.ts KASAN_FLAGS): `dv build --kasan`. */
  readonly kasan?: boolean;
  /** WMI classes (.mof) whose wmimofck header the sources include: written to the build's generated-include folder. */
  readonly mofHeaders?: readonly MofHeaderRequest[];
  /** Search path for the tools (default: $PATH). */
  readonly searchPath?: string;
  /** WPP tracing: trace functions and config files beyond the sources' own (wpp/wpp.ts). */
  readonly wpp?: WppOptions;
}

export interface BuildResult {
  readonly ok: boolean;
  /** 0 built; 2 usage or tool error (a compile error, a link error, a refused import). */
  readonly exitCode: 0 | 2;
  /** Each tool invocation, as argv. */
  readonly commands: readonly (readonly string[])[];
  /** The tools' diagnostics (warnings too, on success) and our own errors, as text to print. */
  readonly diagnostics: string;
  readonly imports: readonly WasmImport[];
  readonly toolchain?: Toolchain;
}

const fail = (diagnostics: string, commands: string[][] = [], toolchain?: Toolchain): BuildResult => ({
  ok: false,
  exitCode: 2,
  commands,
  diagnostics: diagnostics.endsWith('\n') ? diagnostics : diagnostics + '\n',
  imports: [],
  toolchain,
});

/** All of the kernel's driver image space: no object or image larger than it can ever load. */
const IMAGE_SPACE = VA_MAP.images.end - VA_MAP.images.start;
const MB = (n: number) => `${(n / 0x100000).toFixed(1)} MB`;

/** Why `file` (what `what` made) cannot be a driver, or undefined when its size is plausible. */
function tooLarge(file: string, what: string): string | undefined {
  const size = statSync(file).size;
  if (size <= IMAGE_SPACE) return undefined;
  return `dv build: ${what} is ${MB(size)}, more than the ${MB(IMAGE_SPACE)} of driver image space the kernel has: shrink its data (a large global array?)`;
}

/** clang names an undeclared routine; say when the name looks like a DDI the kernel lacks. */
function explainUndeclared(stderr: string, ddis: ReadonlySet<string>): string {
  const notes = new Set<string>();
  for (const m of stderr.matchAll(/call to undeclared function '(\w+)'/g)) {
    const name = m[1]!;
    if (/^(Io|Ke|Kf|Ex|Mm|Ob|Ps|Rtl|Zw|Nt|Se|Po|Wmi|Hal|Kd|Dbg|Cm|Fs|Fsrtl|Cc|Etw)[A-Z]/.test(name) && !ddis.has(name)) {
      notes.add(`note: '${name}' is not among the DDIs the simulated kernel exports (docs/ddi-support.md lists them)\n`);
    }
  }
  return stderr + [...notes].join('');
}

export function buildDriver(options: BuildOptions): BuildResult {
  const { sources, output } = options;
  if (sources.length === 0) return fail('dv build: no source files given');
  for (const s of sources) {
    if (!sourceLanguage(s)) return fail(`dv build: ${s}: only C (.c) and C++ (${Object.keys(SOURCE_EXTENSIONS).filter((e) => e !== '.c').join(', ')}) sources can be built`);
    if (!existsSync(s)) return fail(`dv build: ${s}: no such file`);
  }
  if (!output.endsWith('.wasm')) return fail(`dv build: the output ${output} should end in .wasm`);

  const found = findToolchain(options.searchPath);
  if (!found.ok) return fail(`dv build: ${found.message}`);
  const { toolchain } = found;
  const ddis = kernelDdiNames();
  const commands: string[][] = [];
  let diagnostics = '';
  const work = mkdtempSync(join(tmpdir(), 'dv-build-'));
  try {
    // WPP first: the .tmh files it writes are found before anything else on the include path.
    const wppDir = join(work, 'wpp');
    const wpp = runWpp(sources, [...(options.includeDirs ?? []), DDK_INCLUDE], wppDir, options.wpp);
    if (!wpp.ok) return fail(wpp.message, commands, toolchain);
    const includeDirs = [...(wpp.generated.length > 0 ? [wppDir] : []), ...(options.includeDirs ?? []), DDK_INCLUDE];
    // The .tmh files' folder is a temporary one: its debug info names it `wpp`, so the same sources make the same image.
    const wppPrefixMap = wpp.generated.length > 0 ? [`-ffile-prefix-map=${wppDir}=wpp`] : [];
    if (options.mofHeaders?.length) {
      const generated = join(work, 'mof');
      mkdirSync(generated);
      const mof = writeMofHeaders(options.mofHeaders, generated);
      if (!mof.ok) return fail(mof.message, commands, toolchain);
      includeDirs.unshift(generated);
    }
    const objects: (ObjectImports & { object: string })[] = [];
    // #include as Windows resolves it: ignoring case, `\` as a separator (include-overlay.ts).
    const overlay = join(work, 'includes.yaml');
    writeFileSync(overlay, includeOverlay([...includeDirs, ...sources.map((s) => dirname(s))], sources).yaml);
    /** Compile one unit; a message (and nothing pushed) when clang refuses it. */
    const compile = (source: string, runtime: boolean): string | undefined => {
      const language: SourceLanguage = sourceLanguage(source) ?? 'c';
      const object = join(work, `${objects.length}-${basename(source, extname(source))}.o`);
      const args = [...compileArgs(source, object, includeDirs, options.defines, language), '-ivfsoverlay', overlay, ...(options.kasan && !runtime ? KASAN_FLAGS : []), ...wppPrefixMap];
      commands.push([toolchain.clang, ...args]);
      const r = spawnSync(toolchain.clang, args, { encoding: 'utf8' });
      diagnostics += explainUndeclared(r.stderr ?? '', ddis);
      if (r.status !== 0) return diagnostics || `dv build: ${toolchain.clang} failed on ${source}`;
      const huge = tooLarge(object, `the object file of ${source}`);
      if (huge) return diagnostics + huge;
      objects.push({ source: runtime ? `ddk/crt/${basename(source)}` : source, object, imports: readWasmInterface(readFileSync(object)).imports });
      return undefined;
    };
    // The driver's files first, so its code leads the image; the runtime last.
    for (const source of sources) {
      const failed = compile(source, false);
      if (failed) return fail(failed, commands, toolchain);
    }
    // The on-demand runtime (atexit, pure virtual calls) only where the driver's code calls into it.
    const called = new Set(objects.flatMap((o) => o.imports.filter((i) => i.module === 'env' && i.kind === 'function').map((i) => i.name)));
    const runtime = [...CRT_SOURCES, ...ON_DEMAND_RUNTIME.filter((r) => r.defines.some((d) => called.has(d))).map((r) => r.source)];
    for (const source of runtime) {
      const failed = compile(source, true);
      if (failed) return fail(failed, commands, toolchain);
    }

    const args = linkArgs(objects.map((o) => o.object), output);
    commands.push([toolchain.wasmLd, ...args]);
    const r = spawnSync(toolchain.wasmLd, args, { encoding: 'utf8' });
    diagnostics += r.stderr ?? '';
    if (r.status !== 0) {
      if (/--export not found: DriverEntry/.test(r.stderr ?? '') && sources.some((s) => sourceLanguage(s) === 'c++')) {
        diagnostics += `note: in C++, DriverEntry needs C linkage to keep its name: declare it extern "C" (EXTERN_C DRIVER_INITIALIZE DriverEntry;)\n`;
      }
      return fail(diagnostics || `dv build: ${toolchain.wasmLd} failed`, commands, toolchain);
    }
    const huge = tooLarge(output, `the linked image ${output}`);
    if (huge) {
      rmSync(output, { force: true });
      return fail(diagnostics + huge, commands, toolchain);
    }

    const { imports, exports } = readWasmInterface(readFileSync(output));
    const problems = checkImports(imports, objects, ddis, libraryExports());
    if (!exports.some((e) => e.name === 'DriverEntry' && e.kind === 'function')) problems.push(`error: the image does not export DriverEntry`);
    if (problems.length > 0) {
      // An image that would not load is not left behind to be loaded by mistake.
      rmSync(output, { force: true });
      const note = allocationNote(imports.filter((i) => i.module === 'env').map((i) => i.name));
      if (note) problems.push(note);
      return fail(diagnostics + demangleQuoted(problems.join('\n'), toolchain), commands, toolchain);
    }
    return { ok: true, exitCode: 0, commands, diagnostics, imports, toolchain };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
