/**
 * Figure 5: the tools users reach for instead, side by side. The same driver logic
 * (native/poolloop.c: allocate 64..1024 bytes of NonPagedPoolNx, write every byte, free) built with
 * clang -O2 against a malloc/free stub of the two DDIs, and run (i) plain, (ii) with AddressSanitizer
 * and LeakSanitizer, (iii) under valgrind memcheck --leak-check=full; and (iv) the same file built
 * with dv build (with native/poolloop-driver.c, c-drivers.ts) as a wasm driver in the simulator under
 * /standard, (iv') the same with caller capture off; each as a ratio to (i). Binaries are built into
 * a temporary directory and deleted afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { STATUS } from '../src/nt/status.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { fromSamples, missing, ratio, type Figure, type Row } from './harness.ts';
import { builtCDriver, notMeasured, withCDriver } from './c-drivers.ts';
import { interleaved } from './isolated.ts';
import { BENCH_DIR, openBenchDriver } from './machine.ts';
import { findTool, firstLine, run } from './proc.ts';
import type { Sampler } from './samplers.ts';

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
  wasm: 'native C loop: (iv) wasm in the simulator, /standard, callers and stacks',
  wasmNoStacks: "native C loop: (iv') wasm in the simulator, /standard, caller capture off",
  wasmRatio: 'native C loop: (iv)/(i)',
  wasmNoStacksRatio: "native C loop: (iv')/(i)",
  wasmNoChecks: "native C loop: (iv'') wasm in the simulator, /standard, callers and stacks, memory checks off",
  checksRatio: "native C loop: (iv)/(iv'') memory checks' cost (goal <= 3x)",
  valgrindVsWasm: 'native C loop: (iv)/(iii) simulator with memory checks / valgrind (goal < 1)',
} as const;

/** IOCTL_POOL_LOOP and its POOL_LOOP_INPUT (native/poolloop.h). */
const IOCTL_POOL_LOOP = 0x0022240c;

/**
 * What PoolLoopRun returns for `count`: every byte of block i was filled with (UCHAR)i, so block[i %
 * size] adds i & 0xff and the walk adds that byte repeated in a ULONG once per whole ULONG of the
 * block (its size from PoolLoopRun's xorshift sequence), modulo 2^32. The native runner prints the
 * XOR of `reps` runs' sums.
 */
export function poolLoopChecksum(count: number, reps = 1): number {
  let sum = 0;
  let state = 0x2545f491;
  const span = MAX_SIZE - MIN_SIZE + 1;
  for (let i = 0; i < count; i++) {
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    const size = MIN_SIZE + (state % span);
    const b = i & 0xff;
    sum = (sum + b + Math.imul(Math.floor(size / 4), Math.imul(b, 0x01010101))) >>> 0;
  }
  let folded = 0;
  for (let r = 0; r < reps; r++) folded ^= sum;
  return folded >>> 0;
}

/**
 * Row (iv): config 'standard' (callers and stacks, as dv run) or 'nostacks' (caller capture off);
 * arg = pairs per run; a sample is ns per pair of one IOCTL_POOL_LOOP, 64..1024 B, and every run's
 * checksum must be PoolLoopRun's. Warm-up: whole runs, dropped, until WARM_UP_MS have passed (at
 * least one). main.c's count/10 warm-up is enough for native code, not for V8: (iv')'s second run
 * of 2,000 pairs still cost about three times its steady state.
 */
const WARM_UP_MS = 500;
export const poolLoopSampler: Sampler = {
  warmUp: false,
  async prepare(config, count) {
    if (config !== 'standard' && config !== 'nostacks' && config !== 'nochecks') throw new Error(`pool-loop: no configuration '${config}'`);
    const d = await openBenchDriver(builtCDriver('PoolLoop'), '\\Device\\PoolLoop', STANDARD_FLAGS, config !== 'nostacks', config !== 'nochecks');
    const expected = poolLoopChecksum(count);
    const input = new Uint8Array(12);
    const v = new DataView(input.buffer);
    [count, MIN_SIZE, MAX_SIZE].forEach((x, i) => v.setUint32(4 * i, x, true));
    const loop = (): number => {
      const t0 = process.hrtime.bigint();
      const r = d.ioctl(IOCTL_POOL_LOOP, input, 4);
      const ns = Number(process.hrtime.bigint() - t0);
      const sum = r.output.length >= 4 ? new DataView(r.output.buffer, r.output.byteOffset).getUint32(0, true) : undefined;
      if (r.status !== STATUS.SUCCESS || sum !== expected) {
        throw new Error(`PoolLoop.wasm, ${count} pairs: status 0x${r.status.toString(16)}, checksum ${sum}, expected ${expected}`);
      }
      return ns / count;
    };
    const warmUntil = performance.now() + WARM_UP_MS;
    do loop();
    while (performance.now() < warmUntil);
    return loop;
  },
};

/** Rows (iv) and (iv'), and their ratios to (i) when (i) was measured (else `noPlain` says why). */
async function wasmLoop(quick: boolean, plain: Figure | undefined, noPlain: string, valgrind?: Figure, noValgrind = noPlain): Promise<Row[]> {
  // Fewer pairs than (i): with callers and stacks a wasm pair costs ~10^5 ns (host stack captures),
  // so (i)'s count would take minutes. The figure is per pair either way.
  const count = quick ? 2_000 : 10_000;
  const note = `${count.toLocaleString('en-US')} pairs of ${MIN_SIZE}..${MAX_SIZE} B per run, one IOCTL_POOL_LOOP`;
  return withCDriver(
    'PoolLoop',
    async (env) => {
      const s = await interleaved('pool-loop', ['standard', 'nostacks', 'nochecks'], count, quick ? 1 : 3, 3, env);
      const iv = fromSamples(ROW.wasm, 'ns/pair', s.get('standard')!, note);
      const iv1 = fromSamples(ROW.wasmNoStacks, 'ns/pair', s.get('nostacks')!, note);
      const iv2 = fromSamples(ROW.wasmNoChecks, 'ns/pair', s.get('nochecks')!, note);
      return [
        iv,
        iv1,
        iv2,
        plain ? ratio(ROW.wasmRatio, iv, plain) : missing(ROW.wasmRatio, 'x', noPlain),
        plain ? ratio(ROW.wasmNoStacksRatio, iv1, plain) : missing(ROW.wasmNoStacksRatio, 'x', noPlain),
        ratio(ROW.checksRatio, iv, iv2),
        valgrind ? ratio(ROW.valgrindVsWasm, iv, valgrind) : missing(ROW.valgrindVsWasm, 'x', noValgrind),
      ];
    },
    (why) =>
      notMeasured(
        [
          [ROW.wasm, 'ns/pair'],
          [ROW.wasmNoStacks, 'ns/pair'],
          [ROW.wasmNoChecks, 'ns/pair'],
          [ROW.wasmRatio, 'x'],
          [ROW.wasmNoStacksRatio, 'x'],
          [ROW.checksRatio, 'x'],
          [ROW.valgrindVsWasm, 'x'],
        ],
        why,
      ),
  );
}

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
  const toolRows = [ROW.plain, ROW.asan, ROW.valgrind, ROW.asanRatio, ROW.valgrindRatio];
  const clang = findTool('clang-16', '/usr/bin/clang-16', 'clang');
  if (!clang) {
    const why = 'clang not found (clang-16 or clang)';
    return [...toolRows.map((f) => missing(f, f.includes('/(i)') ? 'x' : 'ns/pair', why)), ...(await wasmLoop(quick, undefined, why))];
  }

  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-native-'));
  try {
    const rows: Row[] = [];
    // DWARF 4: the valgrind of older distributions cannot read clang 16's default DWARF 5.
    const plainBin = join(dir, 'poolloop');
    const asanBin = join(dir, 'poolloop-asan');
    const plainError = compile(clang, plainBin, ['-O2', '-gdwarf-4']);
    const asanError = compile(clang, asanBin, ['-O2', '-g', '-fsanitize=address', '-fno-omit-frame-pointer']);

    const plain = plainError ?? runLoop(plainBin, loopArgs);
    if (typeof plain === 'string') {
      const why = `plain build: ${plain}`;
      return [...toolRows.map((f) => missing(f, f.includes('/(i)') ? 'x' : 'ns/pair', why)), ...(await wasmLoop(quick, undefined, why))];
    }
    // The JavaScript model of the checksum (checked against the wasm driver in its sampler) must be the plain build's.
    if (plain.checksum !== `checksum ${poolLoopChecksum(count, reps)}`) throw new Error(`plain build: ${plain.checksum}, PoolLoopRun's model: ${poolLoopChecksum(count, reps)}`);
    const i = fromSamples(ROW.plain, 'ns/pair', plain.nsPerPair, `${basename(clang)}; ${note}`);
    rows.push(i);

    const against = (figureName: string, ratioName: string, result: LoopRun | string, how: string): Figure | string => {
      if (typeof result === 'string') {
        rows.push(missing(figureName, 'ns/pair', result), missing(ratioName, 'x', result));
        return result;
      }
      if (result.checksum !== plain.checksum) throw new Error(`${figureName}: ${result.checksum}, plain build: ${plain.checksum}`);
      const f: Figure = fromSamples(figureName, 'ns/pair', result.nsPerPair, how);
      rows.push(f, ratio(ratioName, f, i));
      return f;
    };
    against(ROW.asan, ROW.asanRatio, asanError ?? runLoop(asanBin, loopArgs, { ASAN_OPTIONS: 'detect_leaks=1' }), 'ASAN_OPTIONS=detect_leaks=1');
    const valgrind = findTool('valgrind');
    const vg = valgrind
      ? runLoop(valgrind, ['--tool=memcheck', '--leak-check=full', '--error-exitcode=99', '-q', plainBin, ...loopArgs])
      : 'valgrind not found';
    const iii = against(ROW.valgrind, ROW.valgrindRatio, vg, 'the plain binary; startup and the exit-time leak check are outside the timed loop');
    return [...rows, ...(await wasmLoop(quick, i, '', typeof iii === 'string' ? undefined : iii, typeof iii === 'string' ? iii : ''))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
