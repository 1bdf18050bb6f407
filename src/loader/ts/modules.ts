/**
 * A TypeScript driver's own modules: its entry and the files it imports from its own folder (or
 * below it), transitively. Like the translation units linked into a C image, they are all laid out as
 * the image's code, one after another: their functions are the image's symbols, their calls are
 * instrumented with their own addresses, and ddi.addressOf() takes any of their functions. What the
 * driver imports from outside its folder (the DDK, the NT layouts) is bundled as library code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SimulatorError } from '../../kernel/errors.ts';
import { analyzeSource, transpile, type SourceInfo, type Transpiled } from './source.ts';

export interface DriverModule {
  /** Absolute path. */
  readonly path: string;
  readonly text: string;
  readonly transpiled: Transpiled;
  readonly info: SourceInfo;
  /** Where its text starts in the image's code (characters from the code's base). */
  readonly offset: number;
}

/** The entry first, then its own imported files in the order they are first imported. */
export async function readDriverModules(entryPath: string, entryText: string): Promise<DriverModule[]> {
  const folder = dirname(entryPath);
  const modules: DriverModule[] = [];
  const seen = new Set<string>();
  let offset = 0;
  const add = async (path: string, text: string): Promise<void> => {
    seen.add(path);
    const transpiled = await transpile(path, text);
    const info = analyzeSource(text, transpiled);
    modules.push({ path, text, transpiled, info, offset });
    offset += text.length;
    for (const spec of info.modules) {
      const file = ownFile(folder, resolve(dirname(path), spec));
      // A file that is not there is left to the bundler, which names the import that fails.
      if (file === undefined || seen.has(file)) continue;
      let imported: string;
      try {
        imported = readFileSync(file, 'utf8');
      } catch (e) {
        throw new SimulatorError(`cannot read driver file ${file}: ${(e as Error).message}`);
      }
      await add(file, imported);
    }
  };
  await add(entryPath, entryText);
  return modules;
}

/** The TypeScript file an import names, when it is one of the driver's own (inside its folder). */
function ownFile(folder: string, path: string): string | undefined {
  const rel = relative(folder, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  for (const candidate of [path, `${path}.ts`]) if (/\.m?ts$/.test(candidate) && existsSync(candidate)) return candidate;
  return undefined;
}
