/**
 * The `dv` command as compiled JavaScript (npm's `prepare` runs this, so `npm install` on a fresh clone
 * builds it): src/cli/main.ts bundled by esbuild into dist/dv/ (beside the library that tsc compiles into
 * dist/ for the package), split at its dynamic imports, so `dv --help` compiles the command table and not
 * the kernel. bin/dv.js runs it while the stamp beside it says every input is older than the build
 * (bin/dist-fresh.js), and the sources through tsx otherwise.
 *
 * The chunks sit two folders below the root, as src/<layer>/*.ts do: paths a module computes from its
 * own import.meta.url (the package.json, drivers/, ddk/) come out the same from either.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './paths.ts';

/** Where bin/dv.js looks, relative to the repository root (bin/dist-fresh.js has the same names). */
export const CLI_BUNDLE_DIR = join('dist', 'dv');
export const CLI_STAMP = 'dv.inputs.json';

/** Bundle the CLI into `root/dist/dv` (root: the repository, or a test's copy of it); returns the stamp written. */
export async function bundleCli(root = REPO_ROOT): Promise<{ builtAt: number; inputs: string[] }> {
  const outdir = join(root, CLI_BUNDLE_DIR);
  // Before reading any source: a file saved while the build runs is newer than the stamp, so stale.
  const builtAt = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    // dv fuzz --jobs starts its workers from fuzz-worker.js, beside the chunk that starts them (src/fuzz/jobs.ts).
    entryPoints: { dv: join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'fuzz-worker': join(REPO_ROOT, 'src', 'fuzz', 'worker.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // esbuild runs its own binary. (The dump and settings readers require their schema library at run time,
    // createRequire: from node_modules, as from the sources.)
    external: ['esbuild'],
    // Bundled CommonJS packages (commander, yaml) call require for Node's modules.
    banner: { js: "import { createRequire as __dvRequire } from 'node:module'; const require = __dvRequire(import.meta.url);" },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    // The metafile's paths are then relative to the repository root, as the stamp wants them.
    absWorkingDir: REPO_ROOT,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.split(/[\\/]/).includes('node_modules'))
    .sort();
  if (inputs.some((f) => f.startsWith('..'))) throw new Error(`cli-bundle: an input outside the repository: ${inputs.find((f) => f.startsWith('..'))}`);
  const stamp = { builtAt, inputs };
  writeFileSync(join(outdir, CLI_STAMP), JSON.stringify(stamp) + '\n');
  return stamp;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { inputs } = await bundleCli();
  process.stdout.write(`dv: bundled ${inputs.length} source files into ${CLI_BUNDLE_DIR}\n`);
}
