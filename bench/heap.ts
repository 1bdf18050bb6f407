/**
 * Figure 3c: host memory per tracked allocation: (heapUsed + arrayBuffers) growth / N with N 16-byte
 * blocks held by bench/drivers/Hoard.ts, for the kernel's pool index alone (no verifier), /standard
 * without callers and stacks, and /standard. Runs in child processes started with --expose-gc (isolated.ts), so the
 * bench itself needs no flag.
 */
import { STATUS } from '../src/nt/status.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { fromSamples, ratio, type Figure, type Row } from './harness.ts';
import { interleaved } from './isolated.ts';
import { openBenchDriver, ulong } from './machine.ts';
import type { Sampler } from './samplers.ts';
import { IOCTL_HOARD } from './drivers/Hoard.ts';

const MODES = {
  off: 'no verifier (kernel pool index)',
  nostacks: '/standard, caller capture off',
  standard: '/standard, callers and stacks',
} as const;

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the heap sampler needs node --expose-gc');
  gc();
  gc();
  // The pool index and the verifier's records live in typed arrays, outside the JS heap: count both.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** config: a key of MODES; arg = N; a sample boots a fresh machine and gives bytes per held block. */
export const heapSampler: Sampler = {
  warmUp: false,
  async prepare(config, n) {
    if (!(config in MODES)) throw new Error(`heap: no configuration '${config}'`);
    return async () => {
      const d = await openBenchDriver('Hoard.ts', '\\Device\\Hoard', config === 'off' ? undefined : STANDARD_FLAGS, config === 'standard');
      const before = settledHeap();
      const r = d.ioctl(IOCTL_HOARD, ulong(n), 0);
      const after = settledHeap();
      if (r.status !== STATUS.SUCCESS) throw new Error(`Hoard.sys could not hold ${n} blocks`);
      return (after - before) / n;
    };
  },
};

export async function heapPerTracked(quick: boolean): Promise<Row[]> {
  const n = quick ? 20_000 : 1_000_000;
  // One after the other: children loading the same driver at once race on the TypeScript loader's
  // transpiled file (it is rewritten on every load), and one of them finds it empty.
  const s = await interleaved('heap', Object.keys(MODES), n, 1, 3);
  const note = `N = ${n.toLocaleString('en-US')} blocks held; (heapUsed + arrayBuffers) growth / N, after gc`;
  const f = (mode: keyof typeof MODES): Figure => fromSamples(`host heap per live allocation: ${MODES[mode]}`, 'B/alloc', s.get(mode)!, note);
  const off = f('off');
  const standard = f('standard');
  return [off, f('nostacks'), standard, ratio('host heap per live allocation: /standard / no verifier', standard, off)];
}
