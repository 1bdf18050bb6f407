/**
 * Figure 5: the tools users reach for instead, side by side. The same driver logic
 * (native/poolloop.c: allocate 64..1024 bytes of NonPagedPoolNx, write every byte, free) built with
 * clang -O2 against a malloc/free stub of the two DDIs, and run (i) plain, (ii) with AddressSanitizer
 * and LeakSanitizer, (iii) under valgrind memcheck --leak-check=full; each as a ratio to (i). Row
 * (iv), the same file as a wasm driver in the simulator under /standard, is a hook (wasm-hooks.ts).
 * Binaries are built into a temporary directory and deleted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fromSamples, missing, ratio, type Figure, type Row } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { findTool, firstLine, run } from './proc.ts';
import { WASM_NATIVE_ROWS, orPlaceholders, wasmNativeLoop } from './wasm-hooks.ts';

const SRC = join(BENCH_DIR, 'native');
const SOURCES = ['main.c', 'poolloop.c', 'stub.c'].map((f) => join(SRC, f));
const MIN_SIZE = 64;
const MAX_SIZE = 1024;

const ROW = {
  plain: 'native C loop: (i) clang -O2, plain',
  asan: 'native C loop: (ii) -fsanitize=address, detect_leaks=1',
  valgrind: 'native C loop: (iii) valgrind memcheck --leak-check=full',
  asanRatio: 'native C loop: (ii)/(i) ASan+LSan',
  valgrindRatio: 'native C loop: (iii)/(i) valgrind',
} as const;

interface LoopRun {
  readonly nsPerPair: number[];
  readonly checksum: string;
}

/** Run a built poolloop (optionally under a tool) and parse its per-run figures and checksum. */
function runLoop(cmd: string, args: string[], env?: NodeJS.ProcessEnv): LoopRun | string {
  const r = run(cmd, args, { env: { ...process.env, ...env } });
  if (r.status !== 0) return `exited ${r.status}: ${firstLine(r.stderr) || firstLine(r.stdout)}`;
  if (/LeakSanitizer has encountered a fatal error/.test(r.stderr)) return 'LeakSanitizer could not run here: ' + firstLine(r.stderr);
  const lines = r.stdout.trim().split('\n');
  const checksum = lines.pop() ?? '';
  return { nsPerPair: lines.map(Number), checksum };
}

function compile(clang: string, out: string, flags: string[]): string | undefined {
  const r = run(clang, [...flags, '-I', join(SRC, 'include'), ...SOURCES, '-o', out]);
  return r.status === 0 ? undefined : `${basename(clang)} ${flags.join(' ')} failed: ${firstLine(r.stderr)}`;
}

export async function nativeComparison(quick: boolean): Promise<Row[]> {
  const count = quick ? 50_000 : 1_000_000;
  const reps = quick ? 3 : 7;
  const loopArgs = [String(count), String(MIN_SIZE), String(MAX_SIZE), String(reps)];
  const note = `${count.toLocaleString('en-US')} pairs of ${MIN_SIZE}..${MAX_SIZE} B per run`;
  const hooks = orPlaceholders(await wasmNativeLoop(quick, count), WASM_NATIVE_ROWS);
  const clang = findTool('clang-16', '/usr/bin/clang-16', 'clang');
  if (!clang) return [...Object.values(ROW).map((f) => missing(f, f.includes('/(i)') ? 'x' : 'ns/pair', 'clang not found (clang-16 or clang)')), ...hooks];

  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-native-'));
  try {
    const rows: Row[] = [];
    // DWARF 4: the valgrind of older distributions cannot read clang 16's default DWARF 5.
    const plainBin = join(dir, 'poolloop');
    const asanBin = join(dir, 'poolloop-asan');
    const plainError = compile(clang, plainBin, ['-O2', '-gdwarf-4']);
    const asanError = compile(clang, asanBin, ['-O2', '-g', '-fsanitize=address', '-fno-omit-frame-pointer']);

    const plain = plainError ?? runLoop(plainBin, loopArgs);
    if (typeof plain === 'string') return [...Object.values(ROW).map((f) => missing(f, f.includes('/(i)') ? 'x' : 'ns/pair', `plain build: ${plain}`)), ...hooks];
    const i = fromSamples(ROW.plain, 'ns/pair', plain.nsPerPair, `${basename(clang)}; ${note}`);
    rows.push(i);

    const against = (figureName: string, ratioName: string, result: LoopRun | string, how: string): void => {
      if (typeof result === 'string') {
        rows.push(missing(figureName, 'ns/pair', result), missing(ratioName, 'x', result));
        return;
      }
      if (result.checksum !== plain.checksum) throw new Error(`${figureName}: ${result.checksum}, plain build: ${plain.checksum}`);
      const f: Figure = fromSamples(figureName, 'ns/pair', result.nsPerPair, how);
      rows.push(f, ratio(ratioName, f, i));
    };
    against(ROW.asan, ROW.asanRatio, asanError ?? runLoop(asanBin, loopArgs, { ASAN_OPTIONS: 'detect_leaks=1' }), 'ASAN_OPTIONS=detect_leaks=1');
    const valgrind = findTool('valgrind');
    const vg = valgrind
      ? runLoop(valgrind, ['--tool=memcheck', '--leak-check=full', '--error-exitcode=99', '-q', plainBin, ...loopArgs])
      : 'valgrind not found';
    against(ROW.valgrind, ROW.valgrindRatio, vg, 'the plain binary; startup and the exit-time leak check are outside the timed loop');
    return [...rows, ...hooks];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
