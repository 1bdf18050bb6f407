/**
 * Figure 3a: the unload check at scale. A driver (bench/drivers/Hoard.ts) holds N live allocations;
 * the figure is the time from the unload call to bug check 0xC4/0x62 being thrown, for each N, and
 * the exponent of a power law fitted to it (least squares on log-log): 0 means the check does not
 * depend on N, 1 that it walks the allocations.
 */
import { BugCheck } from '../src/kernel/errors.ts';
import { BUGCHECK, C4 } from '../src/nt/bugcheck.ts';
import { STATUS } from '../src/nt/status.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { powerLawExponent } from './fit.ts';
import { fromSamples, type Row } from './harness.ts';
import { openBenchDriver, ulong } from './machine.ts';
import { IOCTL_HOARD } from './drivers/Hoard.ts';

/** Boot, hoard `n` blocks under /standard, close, then time the unload up to the bug check (µs). */
async function unloadMicroseconds(n: number): Promise<number> {
  const d = await openBenchDriver('Hoard.ts', '\\Device\\Hoard', STANDARD_FLAGS);
  const r = d.ioctl(IOCTL_HOARD, ulong(n), 0);
  if (r.status !== STATUS.SUCCESS) throw new Error(`Hoard.sys could not hold ${n} blocks: status 0x${r.status.toString(16)}`);
  d.close();
  const t0 = process.hrtime.bigint();
  try {
    d.machine.unloadDriver(d.image);
  } catch (e) {
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    if (!(e instanceof BugCheck)) throw e;
    if (e.code !== BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION || e.params[0] !== C4.POOL_LEAK_AT_UNLOAD || e.params[3] !== n) {
      throw new Error(`unloading Hoard.sys with ${n} blocks: expected 0xC4/0x62 with Arg4 = ${n}, got ${e.message}`);
    }
    return us;
  }
  throw new Error(`unloading Hoard.sys with ${n} blocks held did not bug check`);
}

export async function unloadScale(quick: boolean): Promise<Row[]> {
  const sizes = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  const runs = 3; // each full run hoards 10^6 blocks first: ~10 s on this machine
  await unloadMicroseconds(100); // warm the path
  // Round-robin over N, so each run's times for all N were taken close together: one fit per run.
  const samples = sizes.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) for (const [i, n] of sizes.entries()) samples[i]!.push(await unloadMicroseconds(n));
  const rows: Row[] = sizes.map((n, i) => fromSamples(`unload with N live allocations -> 0xC4/0x62: N = 10^${Math.log10(n)}`, 'µs', samples[i]!));
  const fits = Array.from({ length: runs }, (_, r) => powerLawExponent(sizes.map((n, i) => ({ n, t: samples[i]![r]! }))));
  const range = `N = 10^${Math.log10(sizes[0]!)}..10^${Math.log10(sizes[sizes.length - 1]!)}`;
  rows.push(fromSamples('unload -> 0xC4/0x62: fitted exponent k of t ~ N^k', 'k', fits, `least squares on log-log, one fit per run, ${range}; 0 = independent of N, 1 = linear`));
  return rows;
}
