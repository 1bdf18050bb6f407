/**
 * Source files for `lsa`: a module's line table names each file as the build saw it (relative to
 * where dv ran, or absolute); the file is looked for there, then beside the image.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ModuleInfo } from '../kernel/symbols.ts';

const cache = new Map<string, string[] | undefined>();

/** The file's lines (1-based: index 0 is line 1), or undefined when it cannot be found. */
export function sourceFile(file: string, module: ModuleInfo | undefined): string[] | undefined {
  const candidates = isAbsolute(file) ? [file] : [resolve(file), ...(module?.path ? [resolve(dirname(module.path), file)] : [])];
  if (file === '') return undefined;
  for (const path of candidates) {
    if (cache.has(path)) return cache.get(path);
    // A dump's file name is data: it may name a folder, a file we cannot read, or be too long a name; each is "not found".
    let lines: string[];
    try {
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) continue;
      lines = readFileSync(path, 'utf8').split(/\r?\n/);
    } catch {
      continue;
    }
    cache.set(path, lines);
    return lines;
  }
  return undefined;
}
