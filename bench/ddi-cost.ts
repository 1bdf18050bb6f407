/**
 * Figure 1: the cost of one ExAllocatePoolWithTag + ExFreePoolWithTag pair from a TypeScript driver
 * (bench/drivers/PoolPairs.ts): (a) the host floor, the same bookkeeping as bare Map operations;
 * (b) the kernel without the verifier; (c) /standard with caller capture off; (c') /standard without
 * special pool and (c'') pool tracking alone, both with caller capture off, so special pool's share
 * is visible; (d) /standard with callers and full stacks. Then the same pairs from the C twin
 * (bench/drivers/c/PoolPairs.c, built to wasm by c-drivers.ts): (e) no verifier, (f) /standard with
 * callers and stacks, (f') /standard with caller capture off, and each against its TypeScript
 * counterpart. Each configuration runs in a process of its own (isolated.ts), all of them taking
 * turns in the same rounds.
 */
import { STATUS } from '../src/nt/status.ts';
import { STANDARD_FLAGS, VF } from '../src/verifier/flags.ts';
import { fromSamples, ratio, type Figure, type Row } from './harness.ts';
import { builtCDriver, notMeasured, withCDriver } from './c-drivers.ts';
import { interleaved } from './isolated.ts';
import { openBenchDriver, ulong } from './machine.ts';
import type { Sampler } from './samplers.ts';
import { IOCTL_POOL_PAIRS } from './drivers/PoolPairs.ts';

/** Configurations: figure name, verifier flags (undefined = off), caller capture, C driver built to wasm. */
const CONFIGS = {
  a: { figure: 'pool pair, TS: (a) host floor (Map set+delete)', flags: undefined, stacks: false, wasm: false },
  b: { figure: 'pool pair, TS: (b) kernel, no verifier', flags: undefined, stacks: true, wasm: false },
  c: { figure: 'pool pair, TS: (c) /standard, caller capture off', flags: STANDARD_FLAGS, stacks: false, wasm: false },
  c1: { figure: "pool pair, TS: (c') /standard without special pool (flags 0x209ba), caller capture off", flags: STANDARD_FLAGS & ~VF.SPECIAL_POOL, stacks: false, wasm: false },
  c2: { figure: "pool pair, TS: (c'') pool tracking only (flags 0x8), caller capture off", flags: VF.POOL_TRACKING, stacks: false, wasm: false },
  d: { figure: 'pool pair, TS: (d) /standard, callers and stacks', flags: STANDARD_FLAGS, stacks: true, wasm: false },
  e: { figure: 'pool pair, C/wasm: (e) kernel, no verifier', flags: undefined, stacks: true, wasm: true },
  f: { figure: 'pool pair, C/wasm: (f) /standard, callers and stacks', flags: STANDARD_FLAGS, stacks: true, wasm: true },
  f1: { figure: "pool pair, C/wasm: (f') /standard, caller capture off", flags: STANDARD_FLAGS, stacks: false, wasm: true },
} as const;
type Config = keyof typeof CONFIGS;
const TS_CONFIGS = (Object.keys(CONFIGS) as Config[]).filter((k) => !CONFIGS[k].wasm);

/** The C/wasm rows, by name and unit, for when they cannot be measured. */
const WASM_ROWS = [
  [CONFIGS.e.figure, 'ns/pair'],
  [CONFIGS.f.figure, 'ns/pair'],
  [CONFIGS.f1.figure, 'ns/pair'],
  ['pool pair, C/wasm: (f)/(e)', 'x'],
  ["pool pair, C/wasm: (f')/(e)", 'x'],
  ["pool pair, C/wasm: (f)/(f') callers and stacks", 'x'],
  ['pool pair, C/wasm vs TS: (e)/(b) no verifier', 'x'],
  ["pool pair, C/wasm vs TS: (f')/(c) /standard, caller capture off", 'x'],
  ['pool pair, C/wasm vs TS: (f)/(d) /standard, callers and stacks', 'x'],
] as const;

/**
 * Boot a machine with `driver` (PoolPairs.ts or the built PoolPairs.wasm) loaded and its device
 * open; returns "run N pairs, give ns per pair". A first request checks the driver really makes its
 * pairs (the verifier counts them when it is on), so no figure measures an error path.
 */
export async function pairsRunner(driver: string, flags: number | undefined, captureStacks: boolean): Promise<(n: number) => number> {
  const d = await openBenchDriver(driver, '\\Device\\PoolPairs', flags, captureStacks);
  const counted = () => d.machine.verifier?.stats.poolAllocationsSucceeded;
  const before = counted();
  const check = d.ioctl(IOCTL_POOL_PAIRS, ulong(16), 0);
  const made = before === undefined ? 16 : counted()! - before;
  if (check.status !== STATUS.SUCCESS || made !== 16) throw new Error(`${driver}: 16 pairs asked, status 0x${check.status.toString(16)}, ${made} allocations counted`);
  return (n) => {
    const input = ulong(n);
    const t0 = process.hrtime.bigint();
    d.ioctl(IOCTL_POOL_PAIRS, input, 0);
    return Number(process.hrtime.bigint() - t0) / n;
  };
}

function hostFloor(n: number): number {
  const live = new Map<number, { size: number; tag: number }>();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const address = 0x84000000 + ((i * 0x40) & 0xffffff);
    live.set(address, { size: 64, tag: 0x68636e42 });
    live.delete(address);
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

/** arg = pairs per sample. */
export const poolPairsSampler: Sampler = {
  warmUp: true,
  async prepare(config, n) {
    const c = CONFIGS[config as Config];
    if (!c) throw new Error(`pool-pairs: no configuration '${config}'`);
    if (config === 'a') return () => hostFloor(n * 10);
    const run = await pairsRunner(c.wasm ? builtCDriver('PoolPairs') : 'PoolPairs.ts', c.flags, c.stacks);
    return () => run(n);
  },
};

export async function ddiCost(quick: boolean): Promise<Row[]> {
  const n = quick ? 3_000 : 20_000;
  const rounds = quick ? 1 : 3;
  const figures = (samples: Map<string, number[]>) =>
    Object.fromEntries(
      [...samples].map(([k, s]) => [k, fromSamples(CONFIGS[k as Config].figure, 'ns/pair', s, k === 'a' ? undefined : `${n} pairs per sample`)]),
    ) as Record<Config, Figure>;
  const tsRows = (f: Record<Config, Figure>): Row[] => [
    ...TS_CONFIGS.map((k) => f[k]),
    ratio('pool pair, TS: (c)/(b)', f.c, f.b),
    ratio("pool pair, TS: (c)/(c') special pool's share", f.c, f.c1),
    ratio("pool pair, TS: (c'')/(b) pool tracking alone", f.c2, f.b),
    ratio('pool pair, TS: (d)/(c) callers and stacks', f.d, f.c),
    ratio('pool pair, TS: (d)/(b)', f.d, f.b),
    ratio('pool pair, TS: (b)/(a)', f.b, f.a),
  ];
  return withCDriver(
    'PoolPairs',
    async (env) => {
      const f = figures(await interleaved('pool-pairs', Object.keys(CONFIGS), n, rounds, 3, env));
      return [
        ...tsRows(f),
        f.e,
        f.f,
        f.f1,
        ratio('pool pair, C/wasm: (f)/(e)', f.f, f.e),
        ratio("pool pair, C/wasm: (f')/(e)", f.f1, f.e),
        ratio("pool pair, C/wasm: (f)/(f') callers and stacks", f.f, f.f1),
        ratio('pool pair, C/wasm vs TS: (e)/(b) no verifier', f.e, f.b),
        ratio("pool pair, C/wasm vs TS: (f')/(c) /standard, caller capture off", f.f1, f.c),
        ratio('pool pair, C/wasm vs TS: (f)/(d) /standard, callers and stacks', f.f, f.d),
      ];
    },
    async (note) => [...tsRows(figures(await interleaved('pool-pairs', TS_CONFIGS, n, rounds, 3))), ...notMeasured(WASM_ROWS, note)],
  );
}
