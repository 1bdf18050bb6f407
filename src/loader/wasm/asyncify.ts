/**
 * Wasm threads that block. A wasm stack cannot be suspended in the middle of a call (Node 20 has no
 * usable stack switching), so an image whose system threads wait is transformed at load time by
 * binaryen's Asyncify pass: every function that can reach a blocking DDI learns to unwind (save its
 * locals and where it was into a buffer in linear memory, and return) and to rewind (re-enter and
 * restore them, up to the call it left). The kernel unwinds a waiting thread back to its start,
 * runs other work, and rewinds the thread when its wait is satisfied (ke/dispatcher.ts).
 *
 * Binaryen moves code, while symbols, `k` and source lines come from the module's DWARF, which
 * describes the original offsets. So the pass runs with a source map in which every original
 * instruction is its own "line" (its Code-section offset), and the source map binaryen writes
 * back maps each output position to that offset: `toOriginal` below. Code binaryen adds has no
 * line of its own and is counted as the original instruction before it.
 *
 * Binaryen runs as its command-line wasm-opt (the npm package's, a Node script) in a child process:
 * only its command line reads an input source map.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { ByteReader } from './reader.ts';
import { nextInstruction, skipLocals } from './instructions.ts';
import { readWasmSections } from './sections.ts';

/** The DDIs a thread blocks in: a wait in one of them unwinds the thread's wasm stack. */
export const BLOCKING_IMPORTS = ['KeWaitForSingleObject', 'KeWaitForMultipleObjects', 'KeDelayExecutionThread'] as const;

/** The pass's exports (binaryen's names). */
export const ASYNCIFY = {
  startUnwind: 'asyncify_start_unwind',
  stopUnwind: 'asyncify_stop_unwind',
  startRewind: 'asyncify_start_rewind',
  stopRewind: 'asyncify_stop_rewind',
  state: 'asyncify_get_state',
} as const;

/** asyncify_get_state's answers. */
export const ASYNCIFY_STATE = { normal: 0, unwinding: 1, rewinding: 2 } as const;

/** An image needs the pass when it starts system threads and imports a DDI that blocks. */
export function needsAsyncify(ddiNames: readonly string[]): boolean {
  return ddiNames.includes('PsCreateSystemThread') && BLOCKING_IMPORTS.some((n) => ddiNames.includes(n));
}

export interface AsyncifiedModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** A Code-section offset in `bytes` -> the Code-section offset of the original instruction it came from. */
  toOriginal(codeOffset: number): number | undefined;
}

/** The features dv build's images use (clang-16 -O2 for wasm32, with emscripten sjlj). */
const FEATURES = ['--enable-mutable-globals', '--enable-sign-ext', '--enable-bulk-memory', '--enable-nontrapping-float-to-int'];

/** Images already transformed in this process, by the digest of their bytes (a run may load one several times). */
const done = new Map<string, AsyncifiedModule>();

/**
 * Run Asyncify over `bytes`, with the offset map back to the original code. The pass takes a second
 * or more (a Node process for wasm-opt), so its output is also kept in a cache folder in the
 * system's temporary directory, under the digest of the input, the pass's arguments and binaryen's
 * version: the next run of the same image loads at once. A cache that cannot be read or written is
 * passed by.
 */
export function asyncifyModule(bytes: Uint8Array): AsyncifiedModule {
  const args = ['-ism', 'in.wasm.map', ...FEATURES, '--asyncify', `--pass-arg=asyncify-imports@${BLOCKING_IMPORTS.map((n) => `ntoskrnl.${n}`).join(',')}`, '-g'];
  const key = createHash('sha256').update(bytes).update(JSON.stringify(args)).update(binaryenVersion()).digest('hex');
  let result = done.get(key);
  if (!result) {
    const original = readWasmSections(bytes);
    if (!original.code) result = { bytes: new Uint8Array(bytes), toOriginal: (o) => o };
    else result = fromCache(key) ?? fromOutput(store(key, transform(bytes, original, args)));
    done.set(key, result);
  }
  return result;
}

/** wasm-opt's output: the module, and its source map (JSON). */
interface PassOutput {
  readonly wasm: Uint8Array<ArrayBuffer>;
  readonly map: string;
}

function transform(bytes: Uint8Array, original: ReturnType<typeof readWasmSections>, args: readonly string[]): PassOutput {
  const dir = mkdtempSync(join(tmpdir(), 'dv-asyncify-'));
  try {
    writeFileSync(join(dir, 'in.wasm'), bytes);
    writeFileSync(join(dir, 'in.wasm.map'), JSON.stringify(offsetSourceMap(bytes, original)));
    const run = spawnSync(process.execPath, [wasmOpt(), 'in.wasm', ...args, '-o', 'out.wasm', '-osm', 'out.wasm.map'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`binaryen's asyncify failed: ${(run.stderr || run.stdout || String(run.error)).trim().split('\n').slice(-3).join(' ')}`);
    return { wasm: new Uint8Array(readFileSync(join(dir, 'out.wasm'))), map: readFileSync(join(dir, 'out.wasm.map'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fromOutput(output: PassOutput): AsyncifiedModule {
  const code = readWasmSections(output.wasm).code;
  if (!code) throw new Error('binaryen left no code section');
  const map = decodeSourceMap(JSON.parse(output.map) as SourceMap);
  return {
    bytes: output.wasm,
    toOriginal(codeOffset) {
      // The last mapped position at or before this one (binaryen maps each instruction it kept).
      const at = code.offset + codeOffset;
      let lo = 0, hi = map.length - 1, found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (map[mid]![0] <= at) (found = mid), (lo = mid + 1);
        else hi = mid - 1;
      }
      return found < 0 ? undefined : map[found]![1];
    },
  };
}

const cacheDir = () => join(tmpdir(), 'dv-asyncify-cache');

/** The cached output for `key`, if there is one that reads as a module and a source map. */
function fromCache(key: string): AsyncifiedModule | undefined {
  try {
    return fromOutput({ wasm: new Uint8Array(readFileSync(join(cacheDir(), `${key}.wasm`))), map: readFileSync(join(cacheDir(), `${key}.map`), 'utf8') });
  } catch {
    return undefined;
  }
}

/** Keep `output` in the cache: the map first and each file renamed into place, so a reader never sees half of one. */
function store(key: string, output: PassOutput): PassOutput {
  try {
    mkdirSync(cacheDir(), { recursive: true });
    for (const [name, data] of [[`${key}.map`, output.map], [`${key}.wasm`, output.wasm]] as const) {
      const temp = join(cacheDir(), `${name}.${process.pid}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, join(cacheDir(), name));
    }
  } catch {
    // No cache this time: the next run transforms the image again.
  }
  return output;
}

function binaryenVersion(): string {
  return (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('binaryen/package.json'), 'utf8')) as { version: string }).version;
}

function wasmOpt(): string {
  return createRequire(import.meta.url).resolve('binaryen/bin/wasm-opt');
}

interface SourceMap {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
}

/** A source map whose "line" of each instruction is its Code-section offset (column 0, one source). */
function offsetSourceMap(bytes: Uint8Array, s: ReturnType<typeof readWasmSections>): SourceMap {
  const code = s.code!;
  const segments: SourceMapSegment[] = [];
  for (const body of s.functionBodies) {
    const r = new ByteReader(bytes, 'code', code.offset + body.start, code.offset + body.end);
    skipLocals(r);
    while (r.left > 0) {
      const i = nextInstruction(r);
      // A wasm source map has one generated line; its column is the module offset.
      segments.push([i.start, 0, i.start - code.offset, 0]);
    }
  }
  return { version: 3, sources: ['code'], names: [], mappings: encode([segments]) };
}

/** [output module offset, original Code-section offset], by output offset; unmapped segments end a range. */
function decodeSourceMap(map: SourceMap): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const line of decode(map.mappings)) for (const seg of line) if (seg.length >= 4) out.push([seg[0], seg[2]!]);
  return out.sort((a, b) => a[0] - b[0]);
}
