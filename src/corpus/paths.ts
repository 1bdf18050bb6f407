/**
 * Windows paths in project files, on a case-sensitive file system: `..\inc\Foo.h` is resolved
 * against a folder one component at a time, each component matched without regard to case, as NTFS
 * would match it.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/** `..\x\y.c` -> `../x/y.c`, trailing separators dropped. */
export function fromWindowsPath(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/\/+$/, '') || '.';
}

const listings = new Map<string, readonly string[]>();
function entries(dir: string): readonly string[] {
  let names = listings.get(dir);
  if (!names) {
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    listings.set(dir, names);
  }
  return names;
}

/** The existing path that `rel` names under `base` ignoring case, or undefined. */
export function resolveIgnoringCase(base: string, rel: string): string | undefined {
  const target = normalize(isAbsolute(rel) ? rel : join(base, fromWindowsPath(rel)));
  const parts = target.split(sep);
  let current = parts[0] === '' ? sep : parts[0]!;
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const names = entries(current);
    const exact = names.includes(part) ? part : names.find((n) => n.toLowerCase() === part.toLowerCase());
    if (!exact) return undefined;
    current = join(current, exact);
  }
  return current;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `path` relative to `root`, with forward slashes (the table's project names). */
export function displayPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}
