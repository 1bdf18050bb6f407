/**
 * The DDIs the kernel exports: the names a driver may import, and, for docs/ddi-support.md, the
 * subsystem folder of src/kernel that implements each.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kernel } from '../kernel/kernel.ts';
import { REPO_ROOT } from './paths.ts';

let names: ReadonlySet<string> | undefined;

/** Every DDI name of the kernel's export table (Kernel.ddi). */
export function kernelDdiNames(): ReadonlySet<string> {
  names ??= new Set(Object.keys(new Kernel().ddi));
  return names;
}

export interface Subsystem {
  /** The folder under src/kernel, e.g. 'io'. */
  readonly folder: string;
  /** Its DDIs, in export-table order. */
  readonly names: readonly string[];
}

type ExportsFn = (k: Kernel) => Record<string, unknown>;

/**
 * The DDIs by folder, found by calling every `xxxExports(k)` a folder's files export (as ddi.ts does)
 * on a throwaway kernel, so a new exports file needs no list kept here.
 */
export async function ddisBySubsystem(): Promise<Subsystem[]> {
  const kernelDir = join(REPO_ROOT, 'src', 'kernel');
  const k = new Kernel();
  const order = Object.keys(k.ddi);
  const byFolder = new Map<string, Set<string>>();
  for (const folder of readdirSync(kernelDir).sort()) {
    const dir = join(kernelDir, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
      const path = join(dir, file);
      const fns = [...readFileSync(path, 'utf8').matchAll(/export function (\w+Exports)\s*\(/g)].map((m) => m[1]!);
      if (fns.length === 0) continue;
      const mod = (await import(pathToFileURL(path).href)) as Record<string, ExportsFn>;
      const set = byFolder.get(folder) ?? new Set<string>();
      for (const fn of fns) for (const name of Object.keys(mod[fn]!(k))) set.add(name);
      byFolder.set(folder, set);
    }
  }
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...byFolder]
    .map(([folder, set]) => ({ folder, names: [...set].sort((a, b) => rank(a) - rank(b)) }))
    .sort((a, b) => rank(a.names[0]!) - rank(b.names[0]!));
}
