/**
 * dv build's WPP preprocessing step (tracewpp's job): for each source that includes a `.tmh`, read
 * the trace functions (`-func` specs, the project's WppTraceFunction, and `begin_wpp config` blocks
 * in the sources, the files named to scan and the local headers the sources include), then write the
 * .tmh into a folder the compile puts first on the include path. A malformed block, an unknown
 * `%!type!` or a call that does not match its function is an error naming the file and line.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { addFunction, emptyConfig, readConfigBlocks, resolveEnums, WppError } from './config.ts';
import { generateTmh } from './generate.ts';
import { tokenize } from './tokens.ts';

export interface WppOptions {
  /** `-func:` specs: `TraceEvents(LEVEL,FLAGS,MSG,...)`, `Hexdump((LEVEL,FLAGS,MSG,...))`. */
  readonly functions?: readonly string[];
  /** `-scan:` files: headers whose config blocks declare functions and types. */
  readonly scan?: readonly string[];
}

export type WppResult = { readonly ok: true; readonly generated: readonly string[] } | { readonly ok: false; readonly message: string };

const TMH_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*["<]([^">]+\.tmh)[">]/gim;
const LOCAL_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"]+)"/gm;

/** A file in `dir` by name, ignoring case and `\` separators, as Windows finds it. */
function findIgnoringCase(dir: string, name: string): string | undefined {
  let at = dir;
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') {
      at = dirname(at);
      continue;
    }
    const exact = join(at, part);
    if (existsSync(exact)) {
      at = exact;
      continue;
    }
    let entries: string[];
    try {
      entries = readdirSync(at);
    } catch {
      return undefined;
    }
    const hit = entries.find((e) => e.toLowerCase() === part.toLowerCase());
    if (!hit) return undefined;
    at = join(at, hit);
  }
  try {
    return statSync(at).isFile() ? at : undefined;
  } catch {
    return undefined;
  }
}

/** The .h files under `dir`, `depth` folders down. */
function headerFiles(dir: string, depth: number): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() && depth > 0 ? headerFiles(join(dir, e.name), depth - 1) : e.isFile() && e.name.toLowerCase().endsWith('.h') ? [join(dir, e.name)] : []));
}

export function runWpp(sources: readonly string[], includeDirs: readonly string[], outDir: string, options: WppOptions = {}): WppResult {
  try {
    const texts = new Map(sources.map((s) => [s, readFileSync(s, 'utf8')]));
    const wanting = sources.flatMap((s) => [...texts.get(s)!.matchAll(TMH_INCLUDE)].map((m) => ({ source: s, tmh: basename(m[1]!.replace(/\\/g, '/')) })));
    if (wanting.length === 0) return { ok: true, generated: [] };

    const config = emptyConfig();
    for (const spec of options.functions ?? []) addFunction(config, spec, { file: '-func', line: 1 });
    const read = new Map<string, string>();
    const readConfig = (file: string, text: string) => {
      if (read.has(file)) return;
      read.set(file, text);
      readConfigBlocks(config, file, text);
    };
    for (const f of options.scan ?? []) {
      if (!existsSync(f)) return { ok: false, message: `dv build: WPP: the file to scan ${f} does not exist` };
      readConfig(f, readFileSync(f, 'utf8'));
    }
    // The local headers the sources include, and theirs: where a sample's trace.h keeps its config block.
    const visit = (file: string, text: string, depth: number) => {
      readConfig(file, text);
      if (depth > 8) return;
      for (const m of text.matchAll(LOCAL_INCLUDE)) {
        if (m[1]!.toLowerCase().endsWith('.tmh')) continue;
        const found = [dirname(file), ...includeDirs].map((d) => findIgnoringCase(d, m[1]!)).find((p) => p !== undefined);
        if (found && !read.has(found)) visit(found, readFileSync(found, 'utf8'), depth + 1);
      }
    };
    for (const s of sources) visit(s, texts.get(s)!, 0);
    // Enumerations (CUSTOM_TYPE's ItemEnum, a %!TYPE! no config declares): of the files read, else of a
    // header on the include path (read once, on demand).
    let headers: string[] | undefined;
    const enumTexts = function* (): Generator<string> {
      yield* read.values();
      headers ??= includeDirs.flatMap((d) => headerFiles(d, 3)).map((f) => readFileSync(f, 'utf8'));
      yield* headers;
    };
    config.enumSources = enumTexts;
    resolveEnums(config, { [Symbol.iterator]: enumTexts });

    // The control blocks live in the .tmh of the file that calls WPP_INIT_TRACING (the first such), else the first.
    const initializes = (s: string) => tokenize(texts.get(s)!).some((t) => t.text === 'WPP_INIT_TRACING' && !t.directive);
    const owner = wanting.find((w) => initializes(w.source))?.source ?? wanting[0]!.source;
    mkdirSync(outDir, { recursive: true });
    const written = new Map<string, string>();
    for (const { source, tmh } of wanting) {
      const key = tmh.toLowerCase();
      if (written.get(key) === source) continue;
      if (written.has(key)) return { ok: false, message: `dv build: WPP: ${source} and ${written.get(key)} both include ${tmh}: give the sources different names` };
      written.set(key, source);
      writeFileSync(join(outDir, tmh), generateTmh(source, texts.get(source)!, config, source === owner).text);
    }
    return { ok: true, generated: [...written.keys()] };
  } catch (e) {
    if (e instanceof WppError) return { ok: false, message: e.message };
    throw e;
  }
}
