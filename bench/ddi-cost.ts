/**
 * Figure 1: the cost of one ExAllocatePoolWithTag + ExFreePoolWithTag pair from a TypeScript driver:
 * (a) the host floor, the same bookkeeping as bare Map operations; (b) the kernel without the
 * verifier; (c) /standard with caller capture off; (d) /standard with callers and full stacks.
 */
import { join } from 'node:path';
import { Machine } from '../src/system/machine.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { measure, ratio, type Figure } from './harness.ts';

const DRIVER = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'drivers', 'PoolPairs.ts');
const IOCTL_POOL_PAIRS = 0x222400;

/** Boot a machine with the bench driver loaded and its device open; returns "run N pairs, give ns per pair". */
async function pairsRunner(flags: number | undefined, captureStacks: boolean): Promise<(n: number) => number> {
  const m = new Machine({ verifier: flags === undefined ? undefined : { flags, drivers: ['PoolPairs.sys'] }, captureStacks });
  await m.loadDriver(DRIVER);
  const k = m.kernel;
  const { file } = k.runInThread(k.userThread, () => k.io.openDevice('\\Device\\PoolPairs'));
  return (n) => {
    const input = new Uint8Array(4);
    new DataView(input.buffer).setUint32(0, n, true);
    const t0 = process.hrtime.bigint();
    k.runInThread(k.userThread, () => k.io.deviceIoControl(file, IOCTL_POOL_PAIRS, input, 0));
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

export async function ddiCost(quick: boolean): Promise<Figure[]> {
  const runs = quick ? 3 : 9;
  const n = quick ? 2_000 : 20_000;
  const a = await measure('pool pair, TS: (a) host floor (Map set+delete)', 'ns/pair', runs, () => hostFloor(n * 10));
  const plain = await pairsRunner(undefined, true);
  const noCapture = await pairsRunner(STANDARD_FLAGS, false);
  const full = await pairsRunner(STANDARD_FLAGS, true);
  // Warm each path once so the figures compare steady states.
  plain(n);
  noCapture(n);
  full(n);
  const b = await measure('pool pair, TS: (b) kernel, no verifier', 'ns/pair', runs, () => plain(n));
  const c = await measure('pool pair, TS: (c) /standard, caller capture off', 'ns/pair', runs, () => noCapture(n));
  const d = await measure('pool pair, TS: (d) /standard, callers and stacks', 'ns/pair', runs, () => full(n));
  return [a, b, c, d, ratio('pool pair, TS: (c)/(b)', c, b), ratio('pool pair, TS: (d)/(b)', d, b), ratio('pool pair, TS: (b)/(a)', b, a)];
}
