/**
 * Figure 3b: `!verifier 0x80 <address>` over a full allocation log. PoolPairs.sys makes more pairs
 * than the log holds (0x10000 records), so the ring is full and has wrapped; then the figures are the
 * crash dump capture (machine.dump()) and, on that dump, the command itself.
 */
import { execute } from '../src/debugger/engine.ts';
import { DebugTarget } from '../src/debugger/target.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';
import { ALLOCATION_LOG_CAPACITY } from '../src/verifier/alloc-log.ts';
import { measure, type Row } from './harness.ts';
import { openBenchDriver, ulong } from './machine.ts';
import { IOCTL_POOL_PAIRS } from './drivers/PoolPairs.ts';

export async function verifierLog(quick: boolean): Promise<Row[]> {
  const d = await openBenchDriver('PoolPairs.ts', '\\Device\\PoolPairs', STANDARD_FLAGS);
  // Each pair writes two records: this overfills the ring by a quarter.
  const pairs = (ALLOCATION_LOG_CAPACITY * 5) / 8;
  d.ioctl(IOCTL_POOL_PAIRS, ulong(pairs), 0);
  const log = d.machine.verifier!.log;
  if (log.length !== ALLOCATION_LOG_CAPACITY || log.overwritten === 0) throw new Error(`the allocation log is not full: ${log.length} records`);

  const dump = d.machine.dump();
  const capture = await measure('dump capture, full allocation log (machine.dump())', 'ms', quick ? 3 : 5, () => {
    const t0 = process.hrtime.bigint();
    d.machine.dump();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }, `${dump.memory.length} non-zero pages, ${dump.verifier!.log.records.length} log records`);

  const address = dump.verifier!.log.records[0]!.address;
  const command = `!verifier 0x80 0x${address.toString(16)}`;
  let lines = 0;
  const search = await measure('!verifier 0x80 <address> over the full log', 'ms', quick ? 3 : 9, () => {
    const t0 = process.hrtime.bigint();
    lines = execute(new DebugTarget(dump), command).length;
    return Number(process.hrtime.bigint() - t0) / 1e6;
  });
  const hits = dump.verifier!.log.records.filter((r) => r.address === address).length;
  return [capture, { ...search, note: `0x${ALLOCATION_LOG_CAPACITY.toString(16)} records searched, ${hits} match (newest block), ${lines} lines printed` }];
}
