/**
 * `!verifier [Flags [Image]]`, `!verifier 0x80 [Quantity|Address]` and `!verifier 0x100
 * [Quantity|Address]`: Driver Verifier's settings, global statistics, per-driver pool statistics and
 * outstanding allocations, the pool Allocate/Free log and the IRP log, in the Windows 8.1+ layout.
 */
import { formatTag } from '../../nt/pool.ts';
import { VERIFIER_FLAGS, VF } from '../../verifier/flags.ts';
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import type { IrpLogRecordSnapshot, LogRecordSnapshot, VerifiedDriverSnapshot, VerifierSnapshot } from '../dump.ts';
import { HEX8, hex, hex8, ptr } from '../format.ts';
import type { DebugTarget } from '../target.ts';

/** Values that select a log of their own rather than the flags/statistics display. */
const LOG_MODES: Record<number, string> = {
  0x4: 'the fault injection log',
  0x20: 'the driver hang verification log',
  0x40: 'the force pending I/O log',
  0x200: 'the critical region log',
  0x400: 'the cancelled IRP list',
  0x800: 'the systematic low resources simulation log',
};

const pad = (s: string, n: number) => s.padEnd(n);
const IRP_LOGGING = VF.IRP_LOGGING;

function header(v: VerifierSnapshot): string[] {
  const flag = (value: number, name: string) => `    [${value === 0 || v.flags & value ? 'X' : ' '}] (${ptr(value)}) ${name}`;
  const listed = VERIFIER_FLAGS.filter((f) => f.listed);
  return [
    '',
    `Verify Flags Level ${ptr(v.flags)}`,
    '',
    '  STANDARD FLAGS:',
    flag(0, 'Automatic Checks'),
    ...listed.filter((f) => f.standard).map((f) => flag(f.value, f.name)),
    '',
    '  ADDITIONAL FLAGS:',
    ...listed.filter((f) => !f.standard).map((f) => flag(f.value, f.name)),
    '',
    '    [X] Indicates flag is enabled',
    '',
  ];
}

function statistics(v: VerifierSnapshot): string[] {
  const s = v.stats;
  const short = (name: string, n: number) => `  ${pad(name, 21)}0x${hex(n)}`;
  const long = (name: string, n: number) => `  ${pad(name, 39)}0x${hex(n)}`;
  const pool = (name: string, n: number, bytes: number) => `${long(name, n)} for ${HEX8(bytes)} bytes`;
  return [
    '',
    'Summary of All Verifier Statistics',
    '',
    short('RaiseIrqls', s.raiseIrqls),
    short('AcquireSpinLocks', s.acquireSpinLocks),
    short('Synch Executions', s.synchExecutions),
    short('Trims', s.trims),
    '',
    long('Pool Allocations Attempted', s.poolAllocationsAttempted),
    long('Pool Allocations Succeeded', s.poolAllocationsSucceeded),
    long('Pool Allocations Succeeded SpecialPool', s.poolAllocationsSucceededSpecialPool),
    long('Pool Allocations With NO TAG', s.poolAllocationsWithNoTag),
    long('Pool Allocations Failed', s.poolAllocationsFailed),
    '',
    pool('Current paged pool allocations', s.paged.current, s.paged.currentBytes),
    pool('Peak paged pool allocations', s.paged.peak, s.paged.peakBytes),
    pool('Current nonpaged pool allocations', s.nonPaged.current, s.nonPaged.currentBytes),
    pool('Peak nonpaged pool allocations', s.nonPaged.peak, s.nonPaged.peakBytes),
  ];
}

function driverBlock(t: DebugTarget, d: VerifiedDriverSnapshot, withAllocations: boolean): string[] {
  const pair = (a: number, b: number) => `( 0x${HEX8(a)} / 0x${HEX8(b)} )`;
  const out = [
    '',
    `  MODULE: ${ptr(d.entryAddress)} ${d.imageName} (${d.state})`,
    '',
    '    Pool Allocation Statistics: ( NonPagedPool / PagedPool )',
    '',
    `      Current Pool Allocations: ${pair(d.nonPaged.current, d.paged.current)}`,
    `      Current Pool Bytes:       ${pair(d.nonPaged.currentBytes, d.paged.currentBytes)}`,
    `      Peak Pool Allocations:    ${pair(d.nonPaged.peak, d.paged.peak)}`,
    `      Peak Pool Bytes:          ${pair(d.nonPaged.peakBytes, d.paged.peakBytes)}`,
    `      Contiguous Memory Bytes:       0x${HEX8(d.contiguousBytes)}`,
    `      Peak Contiguous Memory Bytes:  0x${HEX8(d.peakContiguousBytes)}`,
  ];
  if (!withAllocations) return out;
  out.push('', '    Pool Allocations:', '', '      Address     Length      Tag   Caller    ', '      ----------  ----------  ----  ----------');
  for (const a of d.allocations) {
    // A caller in inlined code is the function inlined there (MyDriver.c's GetNecessaryObjects at -O2).
    const fn = a.caller ? (t.inlined(a.caller)?.name ?? t.functionName(a.caller)) : '';
    out.push(`      ${ptr(a.address)}  ${ptr(a.size)}  ${formatTag(a.tag)}  ${ptr(a.caller)}${fn ? `  ${fn}` : ''}`);
  }
  return out;
}

function logRecord(t: DebugTarget, r: LogRecordSnapshot): string[] {
  return [
    '======================================================================',
    `Pool block ${hex8(r.address)}, Size ${hex8(r.size)}, Thread ${hex8(r.thread)}`,
    ...r.stack.map((pc) => `${hex8(pc)} ${t.symbol(pc)}`),
    '',
  ];
}

function allocationLog(t: DebugTarget, v: VerifierSnapshot, arg: string | undefined): string[] {
  const log = v.log;
  const out = ['', 'Log of recent kernel pool Allocate and Free operations:', '', `There are up to 0x${hex(log.capacity)} entries in the log.`, ''];
  if (arg === undefined || parseNumber(arg) < 0x10000) {
    // A quantity: the most recent records (default: the whole log).
    const n = arg === undefined ? log.records.length : Math.min(parseNumber(arg), log.records.length);
    out.push(`Parsing 0x${hex8(log.records.length)} log entries, displaying the most recent 0x${hex(n)}.`, '');
    for (const r of log.records.slice(0, n)) out.push(...logRecord(t, r));
    return out;
  }
  // An address: every record whose block contains it, newest first.
  const address = parseNumber(arg);
  out.push(`Parsing 0x${hex8(log.records.length)} log entries, searching for address ${ptr(address)}.`, '', '');
  const hits = log.records.filter((r) => address >= r.address && address < r.address + Math.max(r.size, 1));
  for (const r of hits) out.push(...logRecord(t, r));
  if (hits.length === 0) out.push(`No log entries found for address ${ptr(address)}.`);
  return out;
}

/** `!verifier 4 [Quantity]`: the most recent injected failures (default 4), newest first, as the tracker holds them. */
function faultLog(t: DebugTarget, v: VerifierSnapshot, arg: string | undefined): string[] {
  const f = v.faults;
  if (!f) return ['Low resources simulation is not enabled (neither 0x4 nor 0x40000 is set).'];
  if (f.entries.length === 0) return ['', 'Resource fault injection history:', '', "Driver Verifier didn't inject any faults."];
  const n = arg === undefined ? 4 : parseNumber(arg);
  const out = ['', 'Resource fault injection history:', `Tracker @ ${HEX8(f.tracker)} (# entries: ${Math.min(f.count, f.size)}, size: ${f.size}, depth: ${f.depth})`];
  for (const e of f.entries.slice(0, n)) {
    out.push(`Entry @ ${HEX8(e.address)} (index ${e.index})`, `    Thread: ${HEX8(e.thread)}`, ...e.stack.map((pc) => `    ${HEX8(pc)} ${t.symbol(pc)}`));
  }
  return out;
}

/** Entries `!verifier 8` shows without a Quantity, as kd does. */
const IRQL_LOG_DEFAULT = 4;

/** `!verifier 8 [Quantity]`: the most recent IRQL transitions of verified drivers, newest first. */
function irqlLog(t: DebugTarget, v: VerifierSnapshot, arg: string | undefined): string[] {
  const log = v.irqlLog ?? { capacity: 0x100, records: [] };
  const n = Math.min(arg === undefined ? IRQL_LOG_DEFAULT : parseNumber(arg), log.records.length);
  const field = (name: string, value: number) => `${pad(name + ':', 20)}${hex8(value)}`;
  const out = ['', `Displaying most recent ${ptr(n)} entries from the IRQL transition log.`, `There are up to 0x${hex(log.capacity)} entries in the log.`];
  for (const r of log.records.slice(0, n)) {
    out.push('', field('Thread', r.thread), field('Old irql', r.oldIrql), field('New irql', r.newIrql), field('Processor', r.processor), field('Time stamp', r.timeStamp), '');
    for (const pc of r.stack) out.push(`    ${hex8(pc)} ${t.symbol(pc)}`);
  }
  return out;
}

function irpLogRecord(t: DebugTarget, r: IrpLogRecordSnapshot): string[] {
  const status = r.operation === 'IoCompleteRequest' ? `, Status ${hex8(r.status)}` : '';
  return ['======================================================================', `${r.operation}: IRP ${hex8(r.irp)}, Thread ${hex8(r.thread)}${status}`, ...r.stack.map((pc) => `${hex8(pc)} ${t.symbol(pc)}`), ''];
}

/** `!verifier 0x100 [Quantity|Address]`: the IRP log of IRP logging (0x400), laid out as the pool log (0x80) is. */
function irpLog(t: DebugTarget, v: VerifierSnapshot, arg: string | undefined): string[] {
  const out = ['', 'Log of recent IoAllocateIrp, IoCompleteRequest and IoCancelIrp calls:', ''];
  const log = v.irpLog;
  if (!(v.flags & IRP_LOGGING)) return [...out, `IRP logging (${ptr(IRP_LOGGING)}) is not enabled: no IRPs were logged.`];
  out.push(`There are up to 0x${hex(log.capacity)} entries in the log.`, '');
  if (arg === undefined || parseNumber(arg) < 0x10000) {
    const n = arg === undefined ? log.records.length : Math.min(parseNumber(arg), log.records.length);
    out.push(`Parsing 0x${hex8(log.records.length)} log entries, displaying the most recent 0x${hex(n)}.`, '');
    for (const r of log.records.slice(0, n)) out.push(...irpLogRecord(t, r));
    return out;
  }
  const irp = parseNumber(arg);
  out.push(`Parsing 0x${hex8(log.records.length)} log entries, searching for IRP ${ptr(irp)}.`, '', '');
  const hits = log.records.filter((r) => r.irp === irp);
  for (const r of hits) out.push(...irpLogRecord(t, r));
  if (hits.length === 0) out.push(`No log entries found for IRP ${ptr(irp)}.`);
  return out;
}

export const verifier: Command = {
  name: '!verifier',
  // `!verifier 4 [Quantity]` (the fault injection log) is not in the line: help's golden fixes it.
  // 0x100 [Quantity|Address] (the IRP log) is not in the help line yet: test/debugger/golden/help.out is frozen for the merge.
  syntax: '!verifier [Flags [Image]] | !verifier 0x80 [Quantity|Address]',
  help: 'Driver Verifier state: 0 settings and statistics, 1 + per-driver pool statistics, 3 + outstanding allocations; 0x80 the pool Allocate/Free log.',
  run(t, args) {
    const v = t.dump.verifier;
    if (!v) return ['Driver Verifier is not enabled on this machine (no verified drivers).'];
    const [flagText, extra] = splitArgs(args);
    if (flagText === '?' ) return [`Usage: ${this.syntax}`];
    const flags = flagText === undefined ? 0 : parseNumber(flagText);
    if (flags === 0x80) return allocationLog(t, v, extra);
    if (flags === 0x4) return faultLog(t, v, extra);
    if (flags === 0x8) return irqlLog(t, v, extra);
    if (flags === 0x100) return irpLog(t, v, extra);
    const mode = LOG_MODES[flags];
    if (mode) throw new CommandError(`!verifier ${flagText}: ${mode} is not recorded by this simulator yet`);
    const out = [...header(v), ...statistics(v)];
    if (!(flags & 1)) return out;
    let drivers = v.drivers;
    if (extra !== undefined) {
      const d = t.verifiedDriver(extra);
      if (!d) throw new CommandError(`${extra} is not in the Driver Verifier list (verified: ${v.drivers.map((x) => x.imageName).join(', ') || 'none'})`);
      drivers = [d];
    }
    out.push('', 'Driver Verification List', '------------------------');
    for (const d of drivers) out.push(...driverBlock(t, d, (flags & 2) !== 0));
    return out;
  },
};
