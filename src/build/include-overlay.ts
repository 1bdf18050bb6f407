/**
 * Windows habits in #include, as a clang VFS overlay (-ivfsoverlay). Drivers are written on a file
 * system that ignores case and takes `\` as a separator: `#include <NTDDK.h>`, `"CdProcs.h"` for
 * cdprocs.h, `#include "..\inc\public.h"`. clang already reads `\` as `/` in an #include under
 * -fms-extensions; case it honours. So dv build lists the folders a driver's includes are searched in
 * (ddk/include, the -I folders, the sources' folders) in an overlay that says `case-sensitive: false`,
 * mapping each name to the real file. An include that names folders and leads outside those
 * (`..\Inc\Public.h` from sys\) gets an entry at the path it spells, pointing at the file found there
 * ignoring case.
 *
 * The overlay only adds names: everything else still falls through to the real file system, and
 * diagnostics and debug info show the real paths (use-external-names).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** Folders never worth listing: version control and package trees. */
const SKIPPED_DIRS = new Set(['.git', '.svn', 'node_modules', '.vs']);
/** An overlay is a list of names; this bounds it for a -I pointed at a huge tree. */
const MAX_ENTRIES = 50_000;
/** Files whose #include lines are read for backslash spellings. */
const SOURCE_FILE = /\.(c|cc|cpp|cxx|h|hh|hpp|hxx|inl)$/i;

interface FileEntry {
  readonly type: 'file';
  readonly name: string;
  readonly 'external-contents': string;
}
interface DirEntry {
  readonly type: 'directory';
  readonly name: string;
  readonly contents: (FileEntry | DirEntry)[];
}

export interface IncludeOverlay {
  /** The overlay as YAML (JSON is YAML), for a file passed to clang with -ivfsoverlay. */
  readonly yaml: string;
  /** The number of names it lists; fewer than the folders hold when MAX_ENTRIES was reached. */
  readonly entries: number;
  readonly truncated: boolean;
}

/** `dir`'s entry of a real child named `want` ignoring case, or undefined. */
function findIgnoringCase(dir: string, want: string): string | undefined {
  if (existsSync(join(dir, want))) return join(dir, want);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const lower = want.toLowerCase();
  const hit = names.sort().find((n) => n.toLowerCase() === lower);
  return hit === undefined ? undefined : join(dir, hit);
}

/** The real file a Windows include spelling names from `base` (`..\Inc\Public.h`), or undefined. */
export function resolveWindowsPath(base: string, spelling: string): string | undefined {
  let at = base;
  for (const part of spelling.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      at = dirname(at);
      continue;
    }
    const next = findIgnoringCase(at, part);
    if (next === undefined) return undefined;
    at = next;
  }
  try {
    return statSync(at).isFile() ? at : undefined;
  } catch {
    return undefined;
  }
}

/** The spellings of a file's #include lines that name a folder (`..\\inc\\public.h`, `sub/x.h`). */
function pathIncludes(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]*[\\/][^>"\n]*)[>"]/gm)) out.push(m[1]!);
  return out;
}

export function includeOverlay(folders: readonly string[], sources: readonly string[] = []): IncludeOverlay {
  // Outermost folders only: a folder inside another is listed as part of it.
  const roots = [...new Set(folders.map((f) => resolve(f)))]
    .filter((f) => existsSync(f) && statSync(f).isDirectory())
    .sort();
  const tops = roots.filter((f) => !roots.some((o) => o !== f && f.startsWith(o.endsWith(sep) ? o : o + sep)));
  let entries = 0;
  let truncated = false;
  const scanned: string[] = [...sources.map((s) => resolve(s))];

  const list = (dir: string, name: string): DirEntry => {
    const entry: DirEntry = { type: 'directory', name, contents: [] };
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return entry;
    }
    for (const n of names) {
      if (entries >= MAX_ENTRIES) {
        truncated = true;
        break;
      }
      const path = join(dir, n);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (SKIPPED_DIRS.has(n)) continue;
        entries++;
        entry.contents.push(list(path, n));
      } else if (st.isFile()) {
        entries++;
        entry.contents.push({ type: 'file', name: n, 'external-contents': path });
        if (SOURCE_FILE.test(n)) scanned.push(path);
      }
    }
    return entry;
  };
  const overlayRoots = tops.map((t) => list(t, t));

  // A spelling with folders may leave the listed folders (`..\\Inc\\Public.h` from sys\\): clang, which
  // reads `\\` as `/` under -fms-extensions, looks for the path it spells; map that path to the file.
  const extra: DirEntry[] = [];
  const mapped = new Set<string>();
  for (const file of scanned) {
    for (const spelling of pathIncludes(file)) {
      if (isAbsolute(spelling) || /^[A-Za-z]:/.test(spelling)) continue;
      for (const base of [dirname(file), ...roots]) {
        const spelled = resolve(base, spelling.replace(/\\/g, '/'));
        if (mapped.has(spelled) || existsSync(spelled)) continue;
        const target = resolveWindowsPath(base, spelling);
        if (!target) continue;
        mapped.add(spelled);
        extra.push({ type: 'directory', name: dirname(spelled), contents: [{ type: 'file', name: basename(spelled), 'external-contents': target }] });
        entries++;
      }
    }
  }

  const yaml = JSON.stringify({ version: 0, 'case-sensitive': false, 'use-external-names': true, roots: [...overlayRoots, ...extra] }, null, 1);
  return { yaml, entries, truncated };
}
