/**
 * A TypeScript driver becomes one script, compiled in memory: its instrumented entry and every file
 * it imports (its own files, the DDK's wdm.ts and the NT layouts behind it), bundled by esbuild for a
 * vm context. Packages and Node modules do not resolve; a host global referenced in any bundled
 * file is refused like one in the entry, naming that file's line.
 */
import { dirname, resolve } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { parse } from 'acorn';
import type { Message, Plugin } from 'esbuild';
import { esbuild } from './esbuild.ts';
import { HOST_NAME_MARKERS, hostNameMessage, hostNameOfMarker, mayHoldMarkers } from './host-globals.ts';
import { DriverSourceError, forEachNode, importRefusal, isRelativeSpecifier, type Node } from './source.ts';

/** The name the bundle gives the entry's exports. */
export const DRIVER_EXPORTS = '__dvDriver';

export interface BundleEntry {
  /** Absolute path of the driver's source file. */
  readonly path: string;
  /** Its instrumented JavaScript. */
  readonly js: string;
  /** A position (1-based line, 0-based column) in the entry's JavaScript, as `file(line)` of its TypeScript. */
  readonly locate: (line: number, column: number) => string;
  /** How a file is named in messages. */
  readonly display: (path: string) => string;
  /** The driver's other own files (modules.ts), by absolute path: their instrumented JavaScript, located like the entry's. */
  readonly others?: ReadonlyMap<string, Pick<BundleEntry, 'js' | 'locate'>>;
}

/** Everything but the driver's own files and the DDK's is out of reach. */
const isolation: Plugin = {
  name: 'driver-isolation',
  setup(b) {
    // Only what does not start with '.' calls back here: a driver's own imports cost no round trip.
    b.onResolve({ filter: /^[^.]/ }, (args) => (isRelativeSpecifier(args.path) ? undefined : { errors: [{ text: importRefusal(args.path) }] }));
  },
};

/** The driver's other own files load as the loader instrumented them, not from disk. */
function ownFiles(others: NonNullable<BundleEntry['others']>): Plugin {
  // Only these paths call back here: the DDK's files cost no round trip.
  const filter = new RegExp(`^(?:${[...others.keys()].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
  return {
    name: 'driver-own-files',
    setup(b) {
      b.onLoad({ filter }, (args) => {
        const own = others.get(args.path);
        return own && { contents: own.js, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Bundle the driver; throws DriverSourceError naming each place that cannot load. */
export async function bundleDriver(entry: BundleEntry): Promise<string> {
  const { build } = esbuild();
  const others = entry.others ?? new Map();
  const options = {
    stdin: { contents: entry.js, resolveDir: resolve(entry.path, '..'), sourcefile: entry.path, loader: 'js' as const },
    bundle: true,
    platform: 'neutral' as const,
    format: 'iife' as const,
    globalName: DRIVER_EXPORTS,
    target: 'es2022',
    // The bundle may rename a function that collides with another file's: addressOf() reads names.
    keepNames: true,
    define: HOST_NAME_MARKERS,
    // The entry was transpiled without any tsconfig: its imports read the same way.
    tsconfigRaw: {},
    write: false,
    logLevel: 'silent' as const,
    plugins: others.size > 0 ? [isolation, ownFiles(others)] : [isolation],
    // Nothing is written: the name only roots the source map's paths (used when a file is refused).
    outfile: resolve(entry.path, '..', '__driver.js'),
  };
  let code: string;
  try {
    code = (await build(options)).outputFiles![0]!.text;
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length) throw new DriverSourceError(`cannot bundle driver ${entry.display(entry.path)}: ${(e as Error).message}`);
    throw new DriverSourceError(errors.map((m) => `${where(entry, m)}${m.text}`).join('\n'));
  }
  // A marker is a host global referenced in a file the entry imports, or one the bundle saw after
  // folding constants (`globalThis['pro' + 'cess']` is `globalThis.process`).
  if (mayHoldMarkers(code)) {
    const out = await build({ ...options, sourcemap: 'external' });
    const files = out.outputFiles!;
    const js = files.find((f) => f.path.endsWith('.js'))!.text;
    const map = new TraceMap(files.find((f) => f.path.endsWith('.map'))!.text);
    const refusals = markersIn(js).map(({ name, line, column }) => {
      const o = originalPositionFor(map, { line, column });
      const file = o.source === null ? entry.path : resolve(entry.path, '..', o.source);
      // The entry's positions are in its instrumented JavaScript: locate() maps them to its TypeScript.
      const own = file === entry.path ? entry : others.get(file);
      const at = own && o.line !== null ? own.locate(o.line, o.column) : `${entry.display(file)}(${o.line ?? '?'})`;
      return `${at}: ${hostNameMessage(name)}`;
    });
    if (refusals.length > 0) throw new DriverSourceError(refusals.join('\n'));
  }
  return code;
}

/** `file(line): ` of an esbuild message. */
function where(entry: BundleEntry, m: Message): string {
  const l = m.location;
  if (!l) return '';
  const file = resolve(l.file);
  const own = file === entry.path ? entry : entry.others?.get(file);
  return own ? `${own.locate(l.line, l.column)}: ` : `${entry.display(file)}(${l.line}): `;
}

/** Marker identifiers in bundled JavaScript, with their positions. */
function markersIn(js: string): Array<{ name: string; line: number; column: number }> {
  const found: Array<{ name: string; line: number; column: number }> = [];
  const visit = (node: Node): void => {
    if (node.type !== 'Identifier') return;
    const name = hostNameOfMarker((node as Node & { name: string }).name);
    if (name !== undefined) found.push({ name, ...node.loc!.start });
  };
  forEachNode(parse(js, { ecmaVersion: 'latest', sourceType: 'script', locations: true }) as unknown as Node, visit);
  return found;
}
