/**
 * Source files for `lsa`: a module's line table names each file as the build saw it (relative to
 * where dv ran, or absolute); the file is looked for there, then beside the image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ModuleInfo } from '../kernel/symbols.ts';

const cache = new Map<string, string[] | undefined>();

/** The file's lines (1-based: index 0 is line 1), or undefined when it cannot be found. */
export function sourceFile(file: string, module: ModuleInfo | undefined): string[] | undefined {
  const candidates = isAbsolute(file) ? [file] : [resolve(file), ...(module?.path ? [resolve(dirname(module.path), file)] : [])];
  for (const path of candidates) {
    if (cache.has(path)) return cache.get(path);
    if (!existsSync(path)) continue;
    const lines = readFileSync(path, 'utf8').split(/\r?\n/);
    cache.set(path, lines);
    return lines;
  }
  return undefined;
}
