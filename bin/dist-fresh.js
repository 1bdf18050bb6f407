// Whether the compiled `dv` (dist/dv, written by src/build/cli-bundle.ts) was built from the sources as
// they are: the stamp beside it names every source file the bundle holds and when the build began, and a
// file changed since (or gone) makes it stale. One stat per file, about 2 ms for the CLI's ~280 files on
// an idle machine. Plain JavaScript: it runs before anything can transpile.
import { readFileSync, statSync } from 'node:fs';

/** The bundle's entry if it is up to date with the sources under `root` (a path ending in a separator), else undefined. */
export function freshBundle(root) {
  const dir = root + 'dist/dv/';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(dir + 'dv.inputs.json', 'utf8'));
  } catch {
    return undefined;
  }
  const { builtAt, inputs } = stamp;
  const entry = statSync(dir + 'dv.js', { throwIfNoEntry: false });
  if (!entry || !(entry.mtimeMs >= builtAt) || !Array.isArray(inputs)) return undefined;
  for (const f of inputs) {
    const s = statSync(root + f, { throwIfNoEntry: false });
    if (!s || s.mtimeMs > builtAt) return undefined;
  }
  return dir + 'dv.js';
}
