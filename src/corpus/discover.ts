/**
 * Finding the kernel driver projects under a folder: every .vcxproj whose ConfigurationType is Driver
 * (UMDF drivers are user-mode DLLs, not ours), and every folder with no project file whose own
 * sources define DriverEntry and belong to no project (a driver kept without Visual Studio files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { displayPath } from './paths.ts';
import { readVcxproj, type VcxProject } from './vcxproj.ts';

export const SOURCE_EXTENSIONS = ['.c', '.cpp', '.cxx', '.cc'] as const;
const isSource = (name: string) => SOURCE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

export interface DriverProject extends VcxProject {
  /** The project file (or folder, with a trailing /) relative to the corpus root: the table's key. */
  readonly path: string;
  /** The folder the project lives in, relative to the root: what the requests table is keyed by. */
  readonly folder: string;
  readonly fromFolder: boolean;
  /** The project file could not be read: why (the row's blocker). */
  readonly error?: string;
}

function walk(dir: string, out: { projects: string[]; folders: string[] }): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  out.folders.push(dir);
  for (const e of entries) {
    if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name)) walk(join(dir, e.name), out);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.vcxproj')) out.projects.push(join(dir, e.name));
  }
}

const emptyProject = (file: string) => ({
  file,
  configuration: '',
  configurationType: 'Driver',
  driverType: '',
  targetName: basename(file).replace(/\.[^.]*$/, ''),
  sources: [],
  missingSources: [],
  includeDirs: [],
  defines: [],
  libraries: [],
  wpp: false,
  wppFunctions: [],
  wppScan: [],
  mcHeaders: [],
  ctrppHeaders: [],
  mofHeaders: [],
});

export function discoverProjects(root: string): DriverProject[] {
  const found = { projects: [] as string[], folders: [] as string[] };
  walk(root, found);
  const drivers: DriverProject[] = [];
  const claimed = new Set<string>();
  const projectFolders = new Set<string>();
  for (const file of found.projects) {
    const folder = join(file, '..');
    projectFolders.add(folder);
    const rel = { path: displayPath(root, file), folder: displayPath(root, folder), fromFolder: false };
    let project: VcxProject;
    try {
      project = readVcxproj(file);
    } catch (e) {
      // Unreadable: a driver project only if it says so in its text.
      if (/<ConfigurationType>\s*Driver\s*</i.test(readFileSync(file, 'utf8'))) {
        drivers.push({ ...emptyProject(file), ...rel, error: `unreadable project file: ${(e as Error).message}` });
      }
      continue;
    }
    for (const s of project.sources) claimed.add(s);
    if (project.configurationType.toLowerCase() !== 'driver' || /umdf/i.test(project.driverType)) continue;
    drivers.push({ ...project, ...rel });
  }
  for (const folder of found.folders) {
    if (projectFolders.has(folder)) continue;
    const sources = readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && isSource(e.name))
      .map((e) => join(folder, e.name))
      .filter((s) => !claimed.has(s))
      .sort();
    if (!sources.some((s) => /\bDriverEntry\s*\(/.test(readFileSync(s, 'latin1')))) continue;
    const path = displayPath(root, folder);
    drivers.push({ ...emptyProject(folder), targetName: basename(folder), sources, includeDirs: [folder], path: `${path}/`, folder: path, fromFolder: true });
  }
  const key = (p: DriverProject) => p.path.toLowerCase();
  return drivers.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** `*` matches anything; without one, the pattern matches any project path containing it (case ignored). */
export function projectFilter(pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (p) => p.toLowerCase().includes(pattern.toLowerCase());
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return (p) => re.test(p);
}
