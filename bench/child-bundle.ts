/**
 * The sampler children (sampler-child.ts) as compiled JavaScript, bundled by esbuild with the options
 * of the `dv` bundle (src/build/cli-bundle.ts): what a user runs is that bundle, not the sources
 * through tsx, whose esbuild keeps names (a `__name(fn, "...")` call for every closure the kernel
 * makes per request, ~15% of an IOCTL). DV_BENCH_FROM_SOURCES=1 runs the children through tsx instead.
 *
 * The bundle sits two folders below the root (dist/bench-<pid>/), as src/<layer>/*.ts and dist/dv/ do,
 * so paths the kernel computes from its own import.meta.url come out the same; the bench's own
 * import.meta.dirname is defined as bench/. It is deleted when the bench process exits.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './machine.ts';

const ROOT = join(BENCH_DIR, '..');
let built: Promise<string> | undefined;

/** The Node arguments that start a sampler child: the compiled bundle (built once), or tsx and the source. */
export async function childCommand(): Promise<string[]> {
  if (process.env.DV_BENCH_FROM_SOURCES === '1') return ['--import', 'tsx', join(BENCH_DIR, 'sampler-child.ts')];
  built ??= bundleChild(ROOT);
  return [await built];
}

/**
 * Bundle `root`'s bench/sampler-child.ts, or another child `entry` under bench/ (root: this checkout, or
 * another one for a before/after run); returns the file. With `contents`, that source is bundled as if it
 * were bench/`entry` of `root` (its imports resolve against root's sources): a child the other tree lacks.
 */
export async function bundleChild(root: string, entry = 'sampler-child.ts', contents?: string): Promise<string> {
  const benchDir = join(root, 'bench');
  const outdir = join(root, 'dist', `bench-${process.pid}`);
  process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const outfile = join(outdir, entry.replace(/\.ts$/, '.mjs'));
  await build({
    ...(contents === undefined ? { entryPoints: [join(benchDir, entry)] } : { stdin: { contents, resolveDir: benchDir, sourcefile: join(benchDir, entry), loader: 'ts' as const } }),
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // As the dv bundle: esbuild runs its own binary; CommonJS packages need a require.
    external: ['esbuild'],
    banner: { js: "import { createRequire as __dvRequire } from 'node:module'; const require = __dvRequire(import.meta.url);" },
    define: { 'import.meta.dirname': JSON.stringify(benchDir) },
    absWorkingDir: root,
    logLevel: 'warning',
  });
  return outfile;
}
