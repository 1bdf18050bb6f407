/**
 * Figure 1: the cost of one ExAllocatePoolWithTag + ExFreePoolWithTag pair from a TypeScript driver
 * (bench/drivers/PoolPairs.ts): (a) the host floor, the same bookkeeping as bare Map operations;
 * (b) the kernel without the verifier; (c) /standard with caller capture off; (c') /standard without
 * special pool and (c'') pool tracking alone, both with caller capture off, so special pool's share
 * is visible; (d) /standard with callers and full stacks. Each configuration runs in a process of
 * its own (isolated.ts). The C/wasm rows are hooks (wasm-hooks.ts).
 */
import { STANDARD_FLAGS, VF } from '../src/verifier/flags.ts';
import { fromSamples, ratio, type Figure, type Row } from './harness.ts';
import { interleaved } from './isolated.ts';
import { openBenchDriver, ulong } from './machine.ts';
import type { Sampler } from './samplers.ts';
import { IOCTL_POOL_PAIRS } from './drivers/PoolPairs.ts';
import { WASM_POOL_PAIR_ROWS, orPlaceholders, wasmPoolPairs } from './wasm-hooks.ts';

/** Configurations: figure name, verifier flags (undefined = off), caller capture. */
const CONFIGS = {
  a: { figure: 'pool pair, TS: (a) host floor (Map set+delete)', flags: undefined, stacks: false },
  b: { figure: 'pool pair, TS: (b) kernel, no verifier', flags: undefined, stacks: true },
  c: { figure: 'pool pair, TS: (c) /standard, caller capture off', flags: STANDARD_FLAGS, stacks: false },
  c1: { figure: "pool pair, TS: (c') /standard without special pool (flags 0x209ba), caller capture off", flags: STANDARD_FLAGS & ~VF.SPECIAL_POOL, stacks: false },
  c2: { figure: "pool pair, TS: (c'') pool tracking only (flags 0x8), caller capture off", flags: VF.POOL_TRACKING, stacks: false },
  d: { figure: 'pool pair, TS: (d) /standard, callers and stacks', flags: STANDARD_FLAGS, stacks: true },
} as const;
type Config = keyof typeof CONFIGS;

/** Boot a machine with the bench driver loaded and its device open; returns "run N pairs, give ns per pair". */
export async function pairsRunner(flags: number | undefined, captureStacks: boolean): Promise<(n: number) => number> {
  const d = await openBenchDriver('PoolPairs.ts', '\\Device\\PoolPairs', flags, captureStacks);
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
    const run = await pairsRunner(c.flags, c.stacks);
    return () => run(n);
  },
};

export async function ddiCost(quick: boolean): Promise<Row[]> {
  const n = quick ? 3_000 : 20_000;
  const samples = await interleaved('pool-pairs', Object.keys(CONFIGS), n, quick ? 1 : 3, 3);
  const f = Object.fromEntries(
    Object.entries(CONFIGS).map(([k, c]) => [k, fromSamples(c.figure, 'ns/pair', samples.get(k)!, k === 'a' ? undefined : `${n} pairs per sample`)]),
  ) as Record<Config, Figure>;
  return [
    ...Object.values(f),
    ratio('pool pair, TS: (c)/(b)', f.c, f.b),
    ratio("pool pair, TS: (c)/(c') special pool's share", f.c, f.c1),
    ratio("pool pair, TS: (c'')/(b) pool tracking alone", f.c2, f.b),
    ratio('pool pair, TS: (d)/(c) callers and stacks', f.d, f.c),
    ratio('pool pair, TS: (d)/(b)', f.d, f.b),
    ratio('pool pair, TS: (b)/(a)', f.b, f.a),
    ...orPlaceholders(await wasmPoolPairs(quick), WASM_POOL_PAIR_ROWS),
  ];
}
