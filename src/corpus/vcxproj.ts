/**
 * A .vcxproj evaluated for one configuration, as MSBuild would in its passes: properties, then item
 * definitions (per-tool defaults: ClCompile's include folders and defines, Link's libraries), then
 * items (the sources). Imports are not followed: they are the WDK's and Visual Studio's own props,
 * which set paths a corpus run does not have (an include folder naming one of them is skipped).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { evaluateCondition, expandProperties, unknownProperties } from './condition.ts';
import { fromWindowsPath, isDirectory, resolveIgnoringCase } from './paths.ts';
import { parseXml, type XmlElement } from './xml.ts';
import { mofHeadersOf, precompiledHeaderDirs, type ProjectMof } from './vcxproj-mof.ts';

/** The configuration the corpus builds, else the project's first. */
export const PREFERRED_CONFIGURATION = 'Release|x64';

/**
 * Properties the WDK's props define that conditions compare (not paths): the target version numbers
 * (sdkddkver.h's _WIN32_WINNT values), so `$(_NT_TARGET_VERSION)&lt;$(_NT_TARGET_VERSION_WIN8)` picks
 * what a Windows 10 build picks.
 */
const WDK_PROPERTIES: Readonly<Record<string, string>> = {
  _NT_TARGET_VERSION_WIN7: '0x601',
  _NT_TARGET_VERSION_WIN8: '0x602',
  _NT_TARGET_VERSION_WINBLUE: '0x603',
  _NT_TARGET_VERSION_WIN10: '0xA00',
  _NT_TARGET_VERSION: '0xA00',
};

export interface ProjectItem {
  readonly include: string;
  readonly metadata: ReadonlyMap<string, string>;
}

export interface VcxProject {
  /** The project file. */
  readonly file: string;
  readonly configuration: string;
  readonly configurationType: string;
  /** WDM, KMDF, Miniport, ExportDriver, UMDF... ('' when the project does not say). */
  readonly driverType: string;
  readonly targetName: string;
  /** ClCompile items not excluded from the build, resolved (case-insensitively) where they exist. */
  readonly sources: readonly string[];
  /** Sources the project names that are not on disk, as written. */
  readonly missingSources: readonly string[];
  /** AdditionalIncludeDirectories that exist, resolved against the project folder, in order. */
  readonly includeDirs: readonly string[];
  readonly defines: readonly string[];
  /** Link's AdditionalDependencies, file names in lower case (fltmgr.lib...). */
  readonly libraries: readonly string[];
  /** WPP tracing is on for the sources (<WppEnabled>true). */
  readonly wpp: boolean;
  /** WppTraceFunction: tracewpp's -func specs (`TraceEvents(LEVEL,FLAGS,MSG,...)`), in order. */
  readonly wppFunctions: readonly string[];
  /** WppScanConfigurationData: the files whose config blocks tracewpp reads (-scan), resolved. */
  readonly wppScan: readonly string[];
  /** Headers mc.exe and ctrpp generate from the project's manifests, file names in lower case. */
  readonly mcHeaders: readonly string[];
  readonly ctrppHeaders: readonly string[];
  /** WMI headers wmimofck writes from the project's .mof files (vcxproj-mof.ts). */
  readonly mofHeaders: readonly ProjectMof[];
}

const childrenNamed = (e: XmlElement, name: string) => e.children.filter((c) => c.name.toLowerCase() === name.toLowerCase());
const splitList = (s: string) => s.split(';').map((x) => x.trim()).filter((x) => x !== '');

export function readVcxproj(file: string): VcxProject {
  const root = parseXml(readFileSync(file, 'utf8'));
  const dir = dirname(file);
  const name = basename(file, extname(file));

  const configurations = root.children
    .filter((g) => g.name === 'ItemGroup')
    .flatMap((g) => childrenNamed(g, 'ProjectConfiguration'))
    .map((c) => c.attributes.Include ?? '');
  const configuration = configurations.find((c) => c.toLowerCase() === PREFERRED_CONFIGURATION.toLowerCase()) ?? configurations[0] ?? PREFERRED_CONFIGURATION;
  const [cfg, platform] = configuration.split('|');

  const props = new Map<string, string>();
  // Configuration and Platform are global properties (the solution passes them): a project cannot override them.
  const GLOBAL = new Set(['configuration', 'platform']);
  const set = (k: string, v: string) => props.set(k.toLowerCase(), v);
  for (const [k, v] of Object.entries(WDK_PROPERTIES)) set(k, v);
  set('Configuration', cfg ?? '');
  set('Platform', platform ?? '');
  set('ProjectDir', dir + '/');
  set('MSBuildProjectDirectory', dir);
  set('MSBuildThisFileDirectory', dir + '/');
  set('ProjectName', name);
  set('MSBuildProjectName', name);
  set('SolutionDir', solutionDir(dir) + '/');
  set('TargetName', name);

  // Pass 1: properties, in document order; a property may name itself ($(X);more).
  for (const group of root.children.filter((g) => g.name === 'PropertyGroup')) {
    if (!evaluateCondition(group.attributes.Condition, props)) continue;
    for (const p of group.children) {
      if (GLOBAL.has(p.name.toLowerCase()) || !evaluateCondition(p.attributes.Condition, props)) continue;
      set(p.name, expandProperties(p.text.trim(), props));
    }
  }

  // Pass 2: item definitions: tool -> metadata -> value, %(Name) being the value so far.
  const definitions = new Map<string, Map<string, string>>();
  for (const group of root.children.filter((g) => g.name === 'ItemDefinitionGroup')) {
    if (!evaluateCondition(group.attributes.Condition, props)) continue;
    for (const tool of group.children) {
      if (!evaluateCondition(tool.attributes.Condition, props)) continue;
      const meta = definitions.get(tool.name.toLowerCase()) ?? new Map<string, string>();
      definitions.set(tool.name.toLowerCase(), meta);
      for (const m of tool.children) {
        if (!evaluateCondition(m.attributes.Condition, props)) continue;
        const previous = meta.get(m.name.toLowerCase()) ?? '';
        const text = m.text.trim().replace(/%\(([\w.]+)\)/g, (whole, n: string) => (n.toLowerCase() === m.name.toLowerCase() ? previous : whole));
        meta.set(m.name.toLowerCase(), text);
      }
    }
  }

  // Pass 3: items. `@(Type)` names the items of a type seen so far; Exclude removes.
  const items = new Map<string, ProjectItem[]>();
  for (const group of root.children.filter((g) => g.name === 'ItemGroup')) {
    if (!evaluateCondition(group.attributes.Condition, props)) continue;
    for (const item of group.children) {
      if (!evaluateCondition(item.attributes.Condition, props)) continue;
      const type = item.name.toLowerCase();
      const list = items.get(type) ?? [];
      items.set(type, list);
      const expand = (s: string) =>
        splitList(expandProperties(s, props)).flatMap((x) => {
          const ref = /^@\(([\w.]+)\)$/.exec(x);
          return ref ? (items.get(ref[1]!.toLowerCase()) ?? []).map((i) => i.include) : [x];
        });
      const key = (x: string) => fromWindowsPath(x).toLowerCase();
      const excluded = new Set(expand(item.attributes.Exclude ?? '').flatMap((x) => expandWildcard(dir, x)).map(key));
      const metadata = new Map<string, string>();
      for (const m of item.children) {
        if (evaluateCondition(m.attributes.Condition, props)) metadata.set(m.name.toLowerCase(), expandProperties(m.text.trim(), props));
      }
      for (const include of expand(item.attributes.Include ?? '').flatMap((x) => expandWildcard(dir, x))) {
        if (!excluded.has(key(include))) list.push({ include, metadata });
      }
    }
  }

  const clCompile = definitions.get('clcompile') ?? new Map<string, string>();
  const sources: string[] = [];
  const missingSources: string[] = [];
  for (const item of items.get('clcompile') ?? []) {
    if (item.metadata.get('excludedfrombuild')?.toLowerCase() === 'true') continue;
    const resolved = resolveIgnoringCase(dir, item.include);
    if (resolved && !isDirectory(resolved)) sources.push(resolved);
    else missingSources.push(fromWindowsPath(item.include));
  }

  const includeDirs: string[] = [];
  for (const entry of splitList(clCompile.get('additionalincludedirectories') ?? '')) {
    // The WDK's own folders ($(DDK_INC_PATH)...) are ours to provide (ddk/include), not the project's.
    if (unknownProperties(entry, props).length > 0) continue;
    const resolved = resolveIgnoringCase(dir, expandProperties(entry, props));
    if (resolved && isDirectory(resolved) && !includeDirs.includes(resolved)) includeDirs.push(resolved);
  }
  // Only NAME or NAME=value: a sample that put a compiler flag among its defines (`/wd4996`) defines nothing with it.
  const defines = splitList(clCompile.get('preprocessordefinitions') ?? '').filter((d) => /^[A-Za-z_]\w*(=.*)?$/.test(d) && !/[$%]\(/.test(d));
  const libraries = splitList(definitions.get('link')?.get('additionaldependencies') ?? '')
    .filter((l) => !/%\(/.test(l))
    .map((l) => basename(fromWindowsPath(expandProperties(l, props))).toLowerCase());

  // A precompiled header's folder: the sources that use it include it without finding it (vcxproj-mof.ts).
  for (const d of precompiledHeaderDirs((items.get('clcompile') ?? []).filter((i) => i.metadata.get('excludedfrombuild')?.toLowerCase() !== 'true'), definitions, dir)) {
    if (!includeDirs.includes(d)) includeDirs.push(d);
  }
  const mofHeaders = mofHeadersOf(items, definitions, dir);
  for (const m of mofHeaders) if (!m.mof) missingSources.push(m.written);

  const wpp = clCompile.get('wppenabled')?.toLowerCase() === 'true' || (items.get('clcompile') ?? []).some((i) => i.metadata.get('wppenabled')?.toLowerCase() === 'true');
  // WppTraceFunction and WppScanConfigurationData, from ClCompile's definitions and each source's own metadata.
  const wppSettings = (name: string) => [clCompile.get(name), ...(items.get('clcompile') ?? []).map((i) => i.metadata.get(name))].filter((v): v is string => v !== undefined);
  const wppFunctions = [...new Set(wppSettings('wpptracefunction').flatMap(splitWppFunctions))];
  const wppScan = [...new Set(wppSettings('wppscanconfigurationdata').flatMap(splitList))]
    .map((f) => resolveIgnoringCase(dir, f))
    .filter((f): f is string => f !== undefined && !isDirectory(f));
  // WppPreprocessorDefinitions: what tracewpp preprocesses the sources with (ENABLE_WPP_RECORDER=1 makes the
  // .tmh log to the recorder), and WppRecorderEnabled, the WDK's property for the same: dv build's WPP step
  // and the compile read one set of defines.
  if (wpp) {
    const wppDefines = wppSettings('wpppreprocessordefinitions').flatMap(splitList).filter((d) => /^[A-Za-z_]\w*(=.*)?$/.test(d));
    if ((clCompile.get('wpprecorderenabled') ?? props.get('wpprecorderenabled'))?.toLowerCase() === 'true') wppDefines.push('ENABLE_WPP_RECORDER=1');
    for (const d of wppDefines) if (!defines.includes(d)) defines.push(d);
  }
  const stem = (p: string) => basename(fromWindowsPath(p), extname(p)).toLowerCase();
  const mcHeaders = (items.get('messagecompile') ?? []).map((i) => `${stem(i.include)}.h`);
  const ctrppDefs = definitions.get('ctrpp') ?? new Map<string, string>();
  const ctrppHeaders = (items.get('ctrpp') ?? []).flatMap((i) => {
    const named = ['headerfilenameforprovider', 'headerfilenameforcounter']
      .map((k) => i.metadata.get(k) ?? ctrppDefs.get(k))
      .filter((v): v is string => v !== undefined)
      .map((v) => basename(fromWindowsPath(expandProperties(v, props).replace(/%\(Filename\)/gi, stem(i.include)))).toLowerCase());
    return named.length > 0 ? named : [`${stem(i.include)}.h`];
  });

  return {
    file,
    configuration,
    configurationType: props.get('configurationtype') ?? '',
    driverType: props.get('drivertype') ?? '',
    targetName: props.get('targetname') || name,
    sources,
    missingSources,
    includeDirs,
    defines,
    libraries,
    wpp,
    wppFunctions,
    wppScan,
    mcHeaders,
    ctrppHeaders,
    mofHeaders,
  };
}

/** `A(x,y);B((z))`: the specs of a WppTraceFunction, split at the semicolons outside parentheses. */
function splitWppFunctions(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of value) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ';' && depth === 0) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** `*.c` in an Include: the matching files of that folder (MSBuild's wildcard, one level). */
function expandWildcard(dir: string, include: string): string[] {
  if (!include.includes('*') && !include.includes('?')) return [include];
  const rel = fromWindowsPath(include);
  const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
  const pattern = rel.slice(rel.lastIndexOf('/') + 1);
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  const base = resolveIgnoringCase(dir, folder);
  if (!base || !isDirectory(base)) return [];
  return readdirSync(base)
    .filter((n) => re.test(n))
    .sort()
    .map((n) => (folder === '.' ? n : `${folder}/${n}`));
}

/** The nearest folder at or above the project's holding a .sln: what $(SolutionDir) is when built from it. */
function solutionDir(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (readdirSync(d).some((n) => n.toLowerCase().endsWith('.sln'))) return d;
    } catch {
      // unreadable: keep climbing
    }
    if (dirname(d) === d) return dir;
  }
}
