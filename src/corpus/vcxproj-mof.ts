/**
 * What a .vcxproj's WMI items and precompiled-header settings mean for a build from its sources.
 * WMI: a `<MofComp Include="x.mof">` compiles the MOF to `<CreateBinaryMofFile>` (x.bmf), and a
 * `<Wmimofck Include="x.bmf">` with `<HeaderOutputFile>` writes the header the sources include
 * (wmimofck writes none without one). Precompiled headers: a source compiled with
 * `<PreCompiledHeader>Use</PreCompiledHeader>` never opens `<PreCompiledHeaderFile>` itself (the
 * compiler starts from the .pch made where it is `Create`d), so it may include a header its own
 * folder and the include path do not hold: a build without the .pch needs that header's folder.
 */
import { basename, dirname, extname } from 'node:path';
import { fromWindowsPath, resolveIgnoringCase } from './paths.ts';
import type { ProjectItem } from './vcxproj.ts';

type Items = ReadonlyMap<string, readonly ProjectItem[]>;
type Definitions = ReadonlyMap<string, ReadonlyMap<string, string>>;

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');
const fileName = (p: string) => basename(fromWindowsPath(unquote(p)));
const stem = (p: string) => basename(fileName(p), extname(fileName(p))).toLowerCase();
const meta = (item: ProjectItem, defs: ReadonlyMap<string, string> | undefined, key: string) => item.metadata.get(key) ?? defs?.get(key);

export interface ProjectMof {
  /** The .mof, resolved; undefined when it is not on disk (`written` says what the project names). */
  readonly mof?: string;
  readonly written: string;
  /** The header's file name, as the sources include it. */
  readonly header: string;
}

export function mofHeadersOf(items: Items, definitions: Definitions, dir: string): ProjectMof[] {
  const compiles = items.get('mofcomp') ?? [];
  const out: ProjectMof[] = [];
  for (const w of items.get('wmimofck') ?? []) {
    const named = meta(w, definitions.get('wmimofck'), 'headeroutputfile');
    if (!named) continue;
    const bmf = stem(w.include);
    const header = fileName(named.replace(/%\(Filename\)/gi, bmf));
    if (out.some((o) => o.header.toLowerCase() === header.toLowerCase())) continue;
    // The MofComp whose binary MOF this is; else the .mof of the same name next to the project.
    const compile = compiles.find((m) => stem(meta(m, definitions.get('mofcomp'), 'createbinarymoffile') ?? m.include) === bmf);
    const written = compile ? fromWindowsPath(compile.include) : `${bmf}.mof`;
    out.push({ mof: resolveIgnoringCase(dir, written), written, header });
  }
  return out;
}

/** The folders of the headers that sources use precompiled, in order, where the project holds them. */
export function precompiledHeaderDirs(sources: readonly ProjectItem[], definitions: Definitions, dir: string): string[] {
  const defs = definitions.get('clcompile');
  const mode = (i: ProjectItem) => meta(i, defs, 'precompiledheader')?.toLowerCase();
  // Where the .pch is created, its header is found from that source's folder; the project's folder otherwise.
  const creator = sources.find((i) => mode(i) === 'create');
  const base = creator ? dirname(resolveIgnoringCase(dir, creator.include) ?? dir) : dir;
  const dirs: string[] = [];
  for (const item of sources) {
    const header = meta(item, defs, 'precompiledheaderfile');
    if (mode(item) !== 'use' || !header) continue;
    const found = resolveIgnoringCase(base, header) ?? resolveIgnoringCase(dir, header);
    if (found && !dirs.includes(dirname(found))) dirs.push(dirname(found));
  }
  return dirs;
}
