/**
 * Windows paths in project files, on a case-sensitive file system: `..\inc\Foo.h` is resolved
 * against a folder one component at a time, each component matched without regard to case, as NTFS
 * would match it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** `..\x\y.c` -> `../x/y.c`, trailing separators dropped. */
export function fromWindowsPath(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/\/+$/, '') || '.';
}

function entries(dir: string): readonly string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The existing path that `rel` names under `base` ignoring case, or undefined. */
export function resolveIgnoringCase(base: string, rel: string): string | undefined {
  const target = resolve(base, fromWindowsPath(rel));
  if (existsSync(target)) return target;
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
